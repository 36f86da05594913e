import { ErrorCodes, KafkaformError } from '../../errors.js';
import type { GlobalOptions } from '../global-options.js';
import { openSession, type Session } from '../session.js';
import { planConfirmApply } from './apply.js';

/** `kafkaform destroy`: plans removal of what this project created, asks, removes; volumes only with --volumes. */
export async function runDestroy(g: GlobalOptions, f: { autoApprove: boolean; volumes: boolean; json: boolean }): Promise<number> {
  const session = await openDestroySession(g, f.volumes);
  try {
    const question = f.volumes
      ? 'Destroy these containers AND their data volumes? Topics and messages will be lost.'
      : 'Destroy these containers? Data volumes are kept.';
    const code = await planConfirmApply(session, g, f, question, 'Destroy');
    if (code === 0 && !f.volumes && !f.json) process.stdout.write('Data volumes were kept; `kafkaform destroy --volumes` removes them too.\n');
    return code;
  } finally {
    await session.close();
  }
}

/** A session planning removal of the project's containers (volumes too when asked); USAGE when the spec declares none. */
export async function openDestroySession(g: GlobalOptions, volumes: boolean): Promise<Session> {
  const session = await openSession(g, { destroy: true, removeVolumes: volumes });
  if (!session.spec.containers) {
    await session.close();
    throw new KafkaformError(ErrorCodes.USAGE, 'this spec declares no containers: there is nothing for destroy to remove', {
      hint: 'to delete topics, remove them from the spec and run `kafkaform apply --allow-delete`',
    });
  }
  return session;
}
