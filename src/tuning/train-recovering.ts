// A training run that survives one lost GPU device: when the device was lost during the run, the caller's
// `reload` starts a new device and loads the model again, and the run resumes from the session's last checkpoint
// (parameters and optimiser state). Once only: a second loss, or any other error, is the run's error.
import type { TuningSession } from './session.ts';
import type { TrainConfig } from './train-config.ts';
import type { TrainOutcome } from './trainer.ts';

export interface DeviceRecovery {
  /** Whether the device was lost (and can be reloaded) since the run started. */
  deviceLost(): boolean;
  /** A new device and the model loaded on it again. */
  reload(): Promise<void>;
  /** Told the step the run resumes from, before `reload`. */
  onResume(step: number): void;
}

export async function trainRecovering(session: TuningSession, config: TrainConfig, recovery: DeviceRecovery): Promise<TrainOutcome> {
  try {
    return await session.train(config);
  } catch (e) {
    if (!recovery.deviceLost()) throw e;
    const resumeFrom = session.checkpoint ?? undefined;
    recovery.onResume(resumeFrom?.step ?? 0);
    await recovery.reload();
    return session.train(config, resumeFrom);
  }
}
