import java.lang.reflect.Method;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Prints the topic-level configs of the Kafka jars on the classpath (the ConfigDef of LogConfig), one per line:
 * name, type, default, validator, tab-separated. The source of src/spec/topic-configs.ts and of the fixtures in
 * test/fixtures/topic-configs; run it through scripts/topic-configs.sh.
 */
public class TopicConfigs {
  public static void main(String[] args) throws Exception {
    Class<?> logConfig = Class.forName("org.apache.kafka.storage.internals.log.LogConfig");
    Method copy = logConfig.getMethod("configDefCopy");
    ConfigDef def = (ConfigDef) copy.invoke(null);
    for (Map.Entry<String, ConfigDef.ConfigKey> e : new TreeMap<>(def.configKeys()).entrySet()) {
      ConfigDef.ConfigKey k = e.getValue();
      String dflt = k.hasDefault() ? String.valueOf(ConfigDef.convertToString(k.defaultValue, k.type)) : "(none)";
      System.out.println(k.name + "\t" + k.type + "\t" + dflt + "\t" + k.validator);
    }
  }
}
