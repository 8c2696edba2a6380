import { taskMode } from './speed-mode';

describe('the speed mode of a task', () => {
  it('is the prefix, else a flag in the prompt, else the fallback', () => {
    expect(taskMode('relax', 'a cat --turbo', 'fast')).toBe('relax');
    expect(taskMode(undefined, 'a cat --turbo', 'fast')).toBe('turbo');
    expect(taskMode(undefined, 'a cat --turbofan', 'relax')).toBe('relax');
    expect(taskMode(undefined, '', 'relax')).toBe('relax');
  });
});
