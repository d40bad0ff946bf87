/**
 * A table-stream consumer that cannot block its shard forever: a failing batch is split in two
 * until the bad record is isolated (bisect), retried a bounded number of times, and then its
 * metadata goes to an on-failure queue; handlers report partial failures so good records are not
 * reprocessed.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import type { DomainFunction } from './domain-function.ts';

export interface StreamConsumerProps {
  /** A table with a stream (built from a definition whose `stream` is set). */
  readonly table: ITable;
  readonly consumer: DomainFunction;
  /** Encrypts the on-failure queue. */
  readonly key: IKey;
  /** @default 100 */
  readonly batchSize?: number;
  /** @default 5 retries after the first attempt */
  readonly retryAttempts?: number;
  /** @default 24 hours, the lifetime of a DynamoDB stream record */
  readonly maxRecordAge?: Duration;
  /** Only records matching these filters invoke the function (e.g. outbox items). */
  readonly filters?: Array<Record<string, unknown>>;
}

export class StreamConsumer extends Construct {
  readonly onFailureQueue: Queue;
  readonly eventSource: DynamoEventSource;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    if (!props.table.tableStreamArn) {
      throw new Error(`${props.table.node.path} has no stream; a stream consumer needs one`);
    }
    this.onFailureQueue = new Queue(this, 'OnFailure', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.onFailureQueue,
      'AwsSolutions-SQS3',
      'This queue is itself the on-failure destination of the stream consumer',
    );
    this.eventSource = new DynamoEventSource(props.table, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? 100,
      maxBatchingWindow: Duration.seconds(1),
      bisectBatchOnError: true,
      retryAttempts: props.retryAttempts ?? 5,
      maxRecordAge: props.maxRecordAge ?? Duration.hours(24),
      reportBatchItemFailures: true,
      // By ARN: SqsDlq would otherwise grant kms:GenerateDataKey* / kms:ReEncrypt* on the queue's key.
      onFailure: new SqsDlq(Queue.fromQueueArn(this, 'OnFailureRef', this.onFailureQueue.queueArn)),
      ...(props.filters ? { filters: props.filters } : {}),
    });
    // Also grants the stream read actions (and kms:Decrypt of the table's key) to the consumer's role.
    props.consumer.function.addEventSource(this.eventSource);
    // Lambda sends the failed batch's metadata to the encrypted queue with the consumer's role.
    props.consumer.grantKeyVia(props.key, 'sqs', ['kms:GenerateDataKey', 'kms:Decrypt']);
  }
}
