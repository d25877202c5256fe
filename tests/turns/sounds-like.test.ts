import { describe, expect, it } from 'vitest';
import { soundKey, soundsLikeBackchannel } from '../../src/turns/sounds-like.js';

describe('sounds like a backchannel', () => {
  it('gives homophones and respellings one key', () => {
    expect(soundKey('write')).toBe(soundKey('right'));
    expect(soundKey('shore')).toBe(soundKey('sure'));
    expect(soundKey('yea')).toBe(soundKey('yeah'));
    expect(soundKey('god')).toBe(soundKey('got'));
  });

  it('takes misheard backchannel words and their stems for backchannel', () => {
    for (const token of ['write', 'shore', 'ok', 'o', 'exact', 'absolut', 'total', 'gotta', 'icy', 'grate', 'kool']) {
      expect(soundsLikeBackchannel(token), token).toBe(true);
    }
  });

  it('leaves the words an interruption opens with', () => {
    for (const token of [
      'sorry',
      'wait',
      'hold',
      'actually',
      'excuse',
      'can',
      'could',
      'hello',
      'stop',
      'what',
      'repeat',
    ]) {
      expect(soundsLikeBackchannel(token), token).toBe(false);
    }
  });
});
