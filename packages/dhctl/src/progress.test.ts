import { describe, expect, it } from 'vitest';

import { plannedPhases } from './phases.js';
import { progressPercent, ProgressTracker } from './progress.js';

describe('ProgressTracker', () => {
  it('computes phase and sub-phase progress as dhctl does', () => {
    const tracker = new ProgressTracker('Bootstrap', plannedPhases('Bootstrap', 'Cloud'));
    const first = tracker.enterPhase('PreInfraPreflights');
    expect(first).toMatchObject({
      operation: 'Bootstrap',
      progress: 0,
      current_phase: 'PreInfraPreflights',
      next_phase: 'BaseInfra',
    });
    const base = tracker.enterPhase('BaseInfra');
    expect(base.progress).toBeCloseTo(1 / 9);
    expect(base).toMatchObject({
      completed_phase: 'PreInfraPreflights',
      current_sub_phase: 'BaseInfra',
      next_sub_phase: 'FirstMaster',
    });
    const sub = tracker.completeSubPhase('BaseInfra');
    expect(sub.progress).toBeCloseTo(1 / 9 + 1 / 9 / 2);
    expect(sub).toMatchObject({
      completed_sub_phase: 'BaseInfra',
      current_sub_phase: 'FirstMaster',
    });
    expect(tracker.completeSubPhase('FirstMaster').progress).toBeCloseTo(2 / 9);
    // Entering the phase right after never goes backwards.
    expect(tracker.enterPhase('PostInfraPreflights').progress).toBeCloseTo(2 / 9);
  });

  it('marks jumped-over phases as skipped and ignores unknown phases', () => {
    const tracker = new ProgressTracker('Destroy', plannedPhases('Destroy', 'Cloud'));
    const before = tracker.enterPhase('CommanderUUIDWasChecked');
    expect(before.current_phase).toBe('');
    const all = tracker.enterPhase('AllNodes');
    expect(all.progress).toBeCloseTo(1 / 3);
    expect(all.phases.map((p) => p.action)).toEqual(['skip', '', '']);
  });

  it('finishes at 1.0 when the last phase ran, else after the last phase that ran', () => {
    const full = new ProgressTracker('Check', plannedPhases('Check'));
    full.enterPhase('CheckInfra');
    full.enterPhase('CheckConfiguration');
    expect(full.finish()).toMatchObject({
      progress: 1,
      current_phase: '',
      next_phase: '',
      completed_phase: 'CheckConfiguration',
    });

    const early = new ProgressTracker('Converge', plannedPhases('Converge', 'Static'));
    early.enterPhase('Check');
    const done = early.finish();
    expect(done.progress).toBeCloseTo(1 / 6);
    expect(done.phases.filter((p) => p.action === 'skip')).toHaveLength(5);
  });

  it('finishes at 1.0 when only planned-skipped phases follow the last one that ran', () => {
    const tracker = new ProgressTracker('Destroy', plannedPhases('Destroy', 'Static'));
    tracker.enterPhase('DeleteResources');
    tracker.enterPhase('AllNodes');
    expect(tracker.finish().progress).toBe(1);
  });

  it('plans Static clusters with BaseInfra skipped', () => {
    const phases = plannedPhases('Bootstrap', 'Static');
    expect(phases.find((p) => p.phase === 'BaseInfra')?.action).toBe('skip');
    expect(phases.find((p) => p.phase === 'InstallAdditionalMastersAndStaticNodes')?.action).toBe(
      'skip',
    );
    const tracker = new ProgressTracker('Bootstrap', phases);
    expect(tracker.enterPhase('PreInfraPreflights').next_phase).toBe('PostInfraPreflights');
  });

  it('formats a percentage', () => {
    expect(progressPercent({ progress: 0.4444 })).toBe(44);
    expect(progressPercent({ progress: 1.2 })).toBe(100);
  });
});
