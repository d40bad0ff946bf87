/** Gives each test worker the platform's environment, so repositories reach the same engines. */
import { inject } from 'vitest';

Object.assign(process.env, inject('platformEnv'));
