import type { ContainerFile } from '../plan/kafka-security-config.js';

// A minimal ustar writer: enough to copy a few small files into a container with Docker's putArchive.

function header(name: string, size: number, mode: number, uid: number, type: '0' | '5'): Buffer {
  const h = Buffer.alloc(512, 0);
  const put = (text: string, at: number, len: number): void => void h.write(text.slice(0, len), at, len, 'ascii');
  const octal = (n: number, len: number): string => `${n.toString(8).padStart(len - 1, '0')}\0`;
  put(name, 0, 100);
  put(octal(mode, 8), 100, 8);
  put(octal(uid, 8), 108, 8);
  put(octal(uid, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(Date.now() / 1000), 12), 136, 12);
  put('        ', 148, 8);
  put(type, 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

/** A tar archive of `files` (paths absolute, parents created 0700), every entry owned by `uid`. */
export function tarOf(files: ContainerFile[], uid: number): Buffer {
  const parts: Buffer[] = [];
  const dirs = new Set<string>();
  for (const f of files) {
    const segments = f.path.replace(/^\//, '').split('/');
    for (let i = 1; i < segments.length; i++) {
      const dir = `${segments.slice(0, i).join('/')}/`;
      // Only the innermost directory is ours; the others (e.g. etc/) exist in the image and keep their owner.
      if (i === segments.length - 1 && !dirs.has(dir)) {
        dirs.add(dir);
        parts.push(header(dir, 0, 0o700, uid, '5'));
      }
    }
    const body = Buffer.from(f.content, 'utf8');
    parts.push(header(segments.join('/'), body.length, f.mode, uid, '0'), body, Buffer.alloc((512 - (body.length % 512)) % 512, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}
