/** One bad `${…}` reference: what is wrong, the variable's name if any, and the reference as written. */
export interface InterpolationError {
  message: string;
  hint: string;
  /** The reference as written (e.g. "${KAFKA_PASSWORD}"), to locate it in the source. */
  token: string;
}

/** The result of interpolating a string; when errors is non-empty, value must not be used. */
export interface Interpolated {
  value: string;
  errors: InterpolationError[];
}

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)(.*))?$/s;

/**
 * The reference a service's env uses for the cluster's bootstrap servers. It is not an environment variable:
 * interpolation keeps it as written, and the container model resolves it for the service's network.
 */
export const KAFKA_BOOTSTRAP_REF = '${kafka.bootstrap}';

/**
 * Replaces `${VAR}` with the variable's value; `${VAR:-fallback}` uses the fallback when VAR is unset or empty,
 * `${VAR-fallback}` only when unset; `$${` is a literal `${`. Error messages name variables, never values.
 */
export function interpolate(text: string, env: Record<string, string | undefined>): Interpolated {
  let out = '';
  const errors: InterpolationError[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i];
      i++;
      continue;
    }
    const close = text.indexOf('}', i + 2);
    if (close < 0) {
      errors.push({ message: 'unterminated "${" reference', hint: 'close it with "}", or write "$${" for a literal "${"', token: text.slice(i, i + 2) });
      break;
    }
    const token = text.slice(i, close + 1);
    if (token === KAFKA_BOOTSTRAP_REF) {
      out += token;
      i = close + 1;
      continue;
    }
    const m = REFERENCE.exec(text.slice(i + 2, close));
    if (!m) {
      errors.push({
        message: `invalid reference ${JSON.stringify(token)}: variable names are letters, digits and "_"`,
        hint: 'write ${NAME}, ${NAME:-fallback}, or "$${" for a literal "${"',
        token,
      });
    } else {
      const [, name = '', op, fallback = ''] = m;
      const value = env[name];
      if (value !== undefined && !(op === ':-' && value === '')) out += value;
      else if (op !== undefined) out += fallback;
      else {
        errors.push({
          message: `environment variable ${name} is not set`,
          hint: `set ${name} in the environment kafkaform runs in, or write \${${name}:-fallback}`,
          token,
        });
      }
    }
    i = close + 1;
  }
  return { value: out, errors };
}
