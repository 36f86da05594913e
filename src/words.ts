/** "1 message", "1,000 messages": counts with thousands separators, independent of the locale. */
export function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 1536 → "1.5 KiB": bytes in binary units with one decimal. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${formatCount(v)} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** 90061000 → "1 d 1 h": a duration in ms in its two largest units. */
export function formatDuration(ms: number): string {
  const parts: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const out: string[] = [];
  let rest = Math.max(0, Math.round(ms));
  for (const [size, unit] of parts) {
    if (rest >= size && out.length < 2) {
      out.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    } else if (out.length > 0) break;
  }
  return out.length ? out.join(' ') : `${rest} ms`;
}
