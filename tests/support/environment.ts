/**
 * Gives each test worker the platform's environment, so repositories reach the same engines, and the
 * local test PKI the platform seals with (SIGNING_PROVIDER=local): handlers also run in the workers.
 */
import { inject } from 'vitest';
import { installLocalPki } from '#shared/signing/local-provider.ts';

Object.assign(process.env, inject('platformEnv'));
installLocalPki();
