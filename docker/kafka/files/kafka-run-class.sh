#!/bin/bash
# Runs a Kafka class with the image's jars, like the official bin/kafka-run-class.sh: KAFKA_HEAP_OPTS,
# KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_LOG4J_OPTS, KAFKA_OPTS and CLASSPATH are honoured, with the same defaults.
if [ $# -lt 1 ]; then
  echo "USAGE: $0 classname [opts]" >&2
  exit 1
fi
classpath="/opt/kafka/libs/*${CLASSPATH:+:$CLASSPATH}"
heap="${KAFKA_HEAP_OPTS:--Xmx256M}"
perf="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}"
log4j="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.xml}"
# Word splitting of the option variables is intended: each holds several JVM options.
# shellcheck disable=SC2086
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" $heap $perf $log4j ${KAFKA_OPTS:-} -cp "$classpath" "$@"
