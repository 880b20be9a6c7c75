// The studio's UI state (zustand). Fed from outside React by the worker's events (see connect.ts).
import { create } from 'zustand';
import type { DeviceStatus } from '../worker/protocol.ts';

export interface StudioState {
  device: DeviceStatus | { kind: 'starting' };
  setDevice(status: DeviceStatus): void;
}

export const useStudio = create<StudioState>()((set) => ({
  device: { kind: 'starting' },
  setDevice: (status) => set({ device: status }),
}));
