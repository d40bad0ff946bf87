/**
 * Reads the table's stream from DynamoDB Local and feeds it to a stream handler (the same Lambda
 * handler AWS invokes through an event-source mapping), with Lambda's semantics: batches in order
 * per shard, a checkpoint that only moves past records the handler accepted, and a retry from the
 * first reported failure. Checkpoints live in memory or in a file, so a killed poller resumes.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export interface CheckpointStore {
  get(shardId: string): Promise<string | undefined>;
  set(shardId: string, sequenceNumber: string): Promise<void>;
}

export function memoryCheckpoints(): CheckpointStore {
  const positions = new Map<string, string>();
  return {
    get: async (shardId) => positions.get(shardId),
    set: async (shardId, sequenceNumber) => void positions.set(shardId, sequenceNumber),
  };
}

/** Checkpoints in a JSON file, replaced atomically (write then rename). */
export function fileCheckpoints(path: string): CheckpointStore {
  let cache: Record<string, string> | undefined;
  const load = async () => {
    cache ??= await readFile(path, 'utf8')
      .then((text) => JSON.parse(text) as Record<string, string>)
      .catch(() => ({}));
    return cache;
  };
  return {
    get: async (shardId) => (await load())[shardId],
    async set(shardId, sequenceNumber) {
      const positions = await load();
      positions[shardId] = sequenceNumber;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(`${path}.tmp`, JSON.stringify(positions));
      await rename(`${path}.tmp`, path);
    },
  };
}

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamPollerOptions {
  tableName: string;
  handler: StreamHandler;
  checkpoints?: CheckpointStore;
  intervalMs?: number;
  batchSize?: number;
  region?: string;
  onError?: (error: unknown) => void;
}

export interface StreamPoller {
  /** Resolves once a full pass over every shard found nothing new. */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

interface ShardState {
  iterator?: string;
  closed: boolean;
}

function toLambdaRecord(record: _Record, streamArn: string, region: string): DynamoDBRecord {
  const created = record.dynamodb?.ApproximateCreationDateTime;
  return {
    ...(record as unknown as DynamoDBRecord),
    eventSourceARN: streamArn,
    awsRegion: region,
    dynamodb: {
      ...(record.dynamodb as DynamoDBRecord['dynamodb']),
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
    },
  };
}

export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const dynamo = new DynamoDBClient({});
  const streams = new DynamoDBStreamsClient({});
  const checkpoints = options.checkpoints ?? memoryCheckpoints();
  const intervalMs = options.intervalMs ?? 200;
  const region = options.region ?? process.env.AWS_REGION ?? 'local';
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  dynamo.destroy();
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);

  const shards = new Map<string, ShardState>();
  let stopped = false;
  let quietPasses = 0;
  let passes = 0;

  async function listShards(): Promise<Shard[]> {
    const all: Shard[] = [];
    let ExclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId }),
      );
      all.push(...(StreamDescription?.Shards ?? []));
      ExclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (ExclusiveStartShardId);
    return all;
  }

  async function iteratorFor(shardId: string): Promise<string | undefined> {
    const checkpoint = await checkpoints.get(shardId);
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(checkpoint
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  }

  /** One pass over every open shard; returns how many records were handled. */
  async function pass(): Promise<number> {
    let handled = 0;
    for (const shard of await listShards()) {
      const id = shard.ShardId!;
      const state = shards.get(id) ?? { closed: false };
      shards.set(id, state);
      if (state.closed) continue;
      const parent = shard.ParentShardId ? shards.get(shard.ParentShardId) : undefined;
      if (parent && !parent.closed) continue; // children wait for their parent, as in Lambda
      try {
        state.iterator ??= await iteratorFor(id);
        if (!state.iterator) {
          state.closed = true;
          continue;
        }
        const page = await streams.send(
          new GetRecordsCommand({ ShardIterator: state.iterator, Limit: options.batchSize ?? 100 }),
        );
        const records = page.Records ?? [];
        if (records.length > 0) {
          const result = await options.handler({
            Records: records.map((r) => toLambdaRecord(r, streamArn!, region)),
          });
          const failed = result?.batchItemFailures?.[0]?.itemIdentifier;
          const accepted = failed
            ? records.slice(
                0,
                records.findIndex((r) => r.dynamodb?.SequenceNumber === failed),
              )
            : records;
          const last = accepted.at(-1)?.dynamodb?.SequenceNumber;
          if (last) await checkpoints.set(id, last);
          handled += accepted.length;
          if (failed) {
            state.iterator = undefined; // start again right after the checkpoint
            continue;
          }
        }
        state.iterator = page.NextShardIterator;
        if (!state.iterator) state.closed = true;
      } catch (error) {
        state.iterator = undefined;
        if (!(error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException)) {
          options.onError?.(error);
        }
      }
    }
    return handled;
  }

  const loop = (async () => {
    while (!stopped) {
      let handled = 0;
      try {
        handled = await pass();
      } catch (error) {
        options.onError?.(error);
      }
      passes += 1;
      quietPasses = handled === 0 ? quietPasses + 1 : 0;
      if (handled === 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();

  return {
    async drain(timeoutMs = 15_000) {
      const began = Date.now();
      const deadline = began + timeoutMs;
      const start = passes;
      // Quiet passes after the call, spanning a second (DynamoDB Local shows new stream records with
      // a short delay): everything committed before the call has been handled.
      while (!(passes >= start + 2 && quietPasses >= 2 && Date.now() - began >= 1000)) {
        if (Date.now() > deadline) throw new Error('The stream poller did not drain in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      stopped = true;
      await loop;
      streams.destroy();
    },
  };
}
