import { createInterface } from 'node:readline/promises';
import { createSpinner, type Spinner } from 'nanospinner';
import pc from 'picocolors';
import { noteStep } from './deadline.js';
import { ErrorCodes, KafkaformError } from '../errors.js';

/** Whether to colour a stream: only on a TTY, never with NO_COLOR or --no-color, always with FORCE_COLOR. */
export function useColor(stream: NodeJS.WriteStream, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && process.env.TERM !== 'dumb';
}

/** Progress for long steps: a spinner on a TTY (stderr), plain lines otherwise, nothing in quiet (JSON) mode. */
export interface Progress {
  update(message: string): void;
  succeed(message: string): void;
  fail(message: string): void;
  stop(): void;
}

/** Creates the progress reporter for this run; stdout stays clean for plans and JSON. Every update is noted as the run's current step (named by a deadline error), quiet or not. */
export function createProgress(opts: { quiet: boolean; color: boolean }): Progress {
  const shown = progressOn(opts);
  return {
    ...shown,
    update: (m) => {
      noteStep(m);
      shown.update(m);
    },
  };
}

/** The progress reporter proper: a spinner on a TTY, one line per new kind of message otherwise, nothing when quiet. */
function progressOn(opts: { quiet: boolean; color: boolean }): Progress {
  const stream = process.stderr;
  if (opts.quiet) return { update: () => undefined, succeed: () => undefined, fail: () => undefined, stop: () => undefined };
  if (!stream.isTTY) {
    // Without a TTY a counter ("300/1000 messages") would print a line per tick: only a new kind of message prints.
    let last = '';
    return {
      update: (m) => {
        const shape = m.replace(/\d+/g, '#');
        if (shape !== last) stream.write(`… ${m}\n`);
        last = shape;
      },
      succeed: (m) => stream.write(`✓ ${m}\n`),
      fail: (m) => stream.write(`✗ ${m}\n`),
      stop: () => undefined,
    };
  }
  let spinner: Spinner | null = null;
  const colors = pc.createColors(opts.color);
  return {
    update: (m) => {
      if (!spinner) spinner = createSpinner(m, { stream }).start();
      else spinner.update({ text: m });
    },
    succeed: (m) => {
      if (spinner) spinner.success({ text: m });
      else stream.write(`${colors.green('✓')} ${m}\n`);
      spinner = null;
    },
    fail: (m) => {
      if (spinner) spinner.error({ text: m });
      else stream.write(`${colors.red('✗')} ${m}\n`);
      spinner = null;
    },
    stop: () => {
      spinner?.clear();
      spinner?.stop();
      spinner = null;
    },
  };
}

/**
 * Asks for confirmation on a TTY. Without a TTY it refuses rather than waiting,
 * unless `autoApprove` is set: CI must say --auto-approve explicitly.
 */
export async function confirm(question: string, autoApprove: boolean, verb: 'apply' | 'destroy' = 'apply'): Promise<void> {
  if (autoApprove) return;
  if (!process.stdin.isTTY) {
    throw new KafkaformError(ErrorCodes.CONFIRMATION_REQUIRED, `refusing to ${verb} without confirmation: standard input is not a terminal`, {
      hint: 'review the plan, then run again with --auto-approve',
    });
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question} Only 'yes' will be accepted: `)).trim();
    if (answer !== 'yes') throw new KafkaformError(ErrorCodes.ABORTED, 'cancelled: nothing was changed');
  } finally {
    rl.close();
  }
}
