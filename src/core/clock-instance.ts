// The process-wide clock every service reads and schedules through.
import { Clock } from './clock.js';

export const clock = new Clock();
