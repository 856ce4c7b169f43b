import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { interruptOnSignals } from '../../cli/interrupt.js';

describe('Function: interruptOnSignals', () => {
  it('a first Ctrl-C asks the run to stop and says so; a second one quits at once with 130', () => {
    // Prepare
    const process = new EventEmitter();
    const stderr = new PassThrough();
    const exits: number[] = [];
    const interrupt = interruptOnSignals(process, stderr, (code) => exits.push(code));

    // Act
    process.emit('SIGINT');
    const afterFirst = { aborted: interrupt.signal.aborted, exits: [...exits] };
    process.emit('SIGINT');

    // Assess
    expect(afterFirst).toEqual({ aborted: true, exits: [] });
    expect(String(stderr.read())).toMatch(/stopping: nothing new is started/);
    expect(exits).toEqual([130]);
  });

  it('SIGTERM stops the run as Ctrl-C does', () => {
    // Prepare
    const process = new EventEmitter();
    const interrupt = interruptOnSignals(process, new PassThrough(), () => {});

    // Act
    process.emit('SIGTERM');

    // Assess
    expect(interrupt.signal.aborted).toBe(true);
  });

  it('once disposed, leaves the signals to the process', () => {
    // Prepare
    const process = new EventEmitter();
    const interrupt = interruptOnSignals(process, new PassThrough(), () => {});

    // Act
    interrupt.dispose();

    // Assess
    expect(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM')).toBe(0);
  });
});
