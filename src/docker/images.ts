import type Docker from 'dockerode';
import { dockerError, dockerMessage, imageUnavailable, statusOf } from './client.js';

/** Default bound on a pull: a registry that does not answer must not hang apply. */
export const DEFAULT_PULL_TIMEOUT_MS = 300_000;

/** True when the image is present locally (inspect answers; 404 means absent). */
export async function imagePresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw dockerError(docker, err, `inspect image ${image}`);
  }
}

interface PullEvent {
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Makes `image` present: nothing when it already is, else a pull with progress, bounded by `timeoutMs`.
 * Any failure (no registry, unknown image, an error event inside the stream) is IMAGE_UNAVAILABLE.
 */
export async function ensureImage(docker: Docker, image: string, onProgress: (message: string) => void, timeoutMs = DEFAULT_PULL_TIMEOUT_MS): Promise<void> {
  if (await imagePresent(docker, image)) return;
  onProgress(`pulling ${image}`);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(imageUnavailable(image, `pull did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
  });
  try {
    await Promise.race([pull(docker, image, onProgress, controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
  // A pull can end "successfully" without the reference we asked for (e.g. a platform mismatch).
  if (!(await imagePresent(docker, image))) throw imageUnavailable(image, 'the pull finished but the image is still missing');
  onProgress(`pulled ${image}`);
}

async function pull(docker: Docker, image: string, onProgress: (message: string) => void, signal: AbortSignal): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.pull(image, { abortSignal: signal })) as NodeJS.ReadableStream;
  } catch (err) {
    throw imageUnavailable(image, dockerMessage(err), err);
  }
  signal.addEventListener('abort', () => (stream as unknown as { destroy?: () => void }).destroy?.());
  await new Promise<void>((resolve, reject) => {
    let failure: string | null = null;
    let lastStatus = '';
    docker.modem.followProgress(
      stream,
      (err: Error | null) => {
        if (failure !== null) reject(imageUnavailable(image, failure));
        else if (err) reject(imageUnavailable(image, dockerMessage(err), err));
        else resolve();
      },
      // followProgress does not treat error events as failures: each event is checked here.
      (event: PullEvent) => {
        const error = event.error ?? event.errorDetail?.message;
        if (error) failure ??= error;
        const status = [event.id, event.status].filter(Boolean).join(': ');
        if (status && status !== lastStatus && !event.progress) {
          lastStatus = status;
          onProgress(`pull ${image}: ${status}`);
        }
      },
    );
  });
}

/**
 * Makes every image in `images` present before anything is created: all are inspected first, then the missing
 * ones pulled one by one. The first that cannot be had fails the whole step (IMAGE_UNAVAILABLE), so a service
 * image that cannot be pulled never leaves a Kafka node started without it.
 */
export async function ensureImages(docker: Docker, images: string[], onProgress: (message: string) => void, timeoutMs = DEFAULT_PULL_TIMEOUT_MS): Promise<void> {
  const distinct = [...new Set(images)].sort();
  const present = await Promise.all(distinct.map((image) => imagePresent(docker, image)));
  for (const [i, image] of distinct.entries()) if (!present[i]) await ensureImage(docker, image, onProgress, timeoutMs);
}
