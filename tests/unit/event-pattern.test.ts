/**
 * EventBridge pattern semantics (events/routing/pattern.ts), checked against the examples of the
 * AWS documentation, against behaviour recorded on AWS, and by properties.
 *
 * Sources, quoted in each table:
 * - [patterns]  AWS EventBridge user guide, "Amazon EventBridge event patterns"
 * - [null]      "Matching null values and empty strings in Amazon EventBridge event patterns"
 * - [arrays]    "Arrays in Amazon EventBridge event patterns"
 * - [content]   "Content filtering in Amazon EventBridge event patterns"
 * - [operators] "Comparison operators for use in event patterns in Amazon EventBridge"
 * - [ruler]     aws/event-ruler README (the matching engine of EventBridge), "Ruler by Example",
 *               "And and Or Relationship among fields", "JSON Array Matching"
 * - [recorded]  localstack/localstack tests/aws/services/events/event_pattern_templates/<file>:
 *               pattern/event pairs whose outcome was recorded against AWS (`_NEG` = no match,
 *               `_EXC` = rejected by PutRule).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertValidPattern,
  type EventPattern,
  InvalidEventPatternError,
  type JsonPrimitive,
  matchesPattern,
} from '#events/routing/pattern.ts';

interface Example {
  readonly name: string;
  readonly pattern: EventPattern;
  readonly event: Record<string, unknown>;
  readonly matches: boolean;
}

const check = (examples: readonly Example[]) =>
  it.each(examples.map((example) => [example.name, example] as const))('%s', (_name, example) => {
    expect(matchesPattern(example.pattern, example.event)).toBe(example.matches);
  });

// [patterns] "Amazon EventBridge event patterns": the Amazon EC2 example event.
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

// [null] / [patterns] "Field matching": the Amazon EC2 Auto Scaling example event.
const autoscalingEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

// [patterns] "Value matching": the (truncated) Amazon Macie Classic example event.
const macieEvent = {
  version: '0',
  id: '3e355723-fca9-4de3-9fd7-154c289d6b59',
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  account: '123456789012',
  time: '2017-04-24T22:28:49Z',
  region: 'us-east-1',
  resources: [
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id',
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
  ],
  detail: {
    'notification-type': 'ALERT_CREATED',
    name: 'Scanning bucket policies',
    tags: ['Custom_Alert', 'Insider'],
    'risk-score': 80,
    trigger: { 'alert-type': 'basic', risk: 8 },
  },
};

// [ruler] "Ruler by Example": the sample event all its simple rules match.
const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

describe('documented examples: "Amazon EventBridge event patterns"', () => {
  check([
    {
      name: 'the EC2 instance-termination pattern matches the EC2 example event',
      pattern: {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        detail: { state: ['terminated'] },
      },
      event: ec2Event,
      matches: true,
    },
    {
      name: '"Match values": source is "aws.ec2" or "aws.fargate"',
      pattern: { source: ['aws.ec2', 'aws.fargate'] },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'a field the event lacks never matches a value',
      pattern: { source: ['aws.ec2'], detail: { 'instance-type': ['t3.micro'] } },
      event: ec2Event,
      matches: false,
    },
    {
      name: 'strings match character by character, without case folding',
      pattern: { detail: { state: ['Terminated'] } },
      event: ec2Event,
      matches: false,
    },
    {
      name: '"Field matching": responseElements is null',
      pattern: {
        source: ['aws.autoscaling'],
        'detail-type': ['EC2 Instance Launch Successful'],
        detail: { responseElements: [null] },
      },
      event: autoscalingEvent,
      matches: true,
    },
    {
      name: '"Value matching": risk-score 80 and trigger risk 8',
      pattern: {
        source: ['aws.macie'],
        'detail-type': ['Macie Alert'],
        detail: { 'risk-score': [80], trigger: { risk: [8] } },
      },
      event: macieEvent,
      matches: true,
    },
    {
      name: '"Value matching": a different nested value does not match',
      pattern: { source: ['aws.macie'], detail: { trigger: { risk: [9] } } },
      event: macieEvent,
      matches: false,
    },
  ]);
});

describe('documented examples: "Matching null values and empty strings"', () => {
  check([
    {
      name: '{ "detail": { "eventVersion": [""] } } matches the empty string',
      pattern: { detail: { eventVersion: [''] } },
      event: autoscalingEvent,
      matches: true,
    },
    {
      name: '{ "detail": { "responseElements": [null] } } matches null',
      pattern: { detail: { responseElements: [null] } },
      event: autoscalingEvent,
      matches: true,
    },
    {
      name: '"null values and empty strings are not interchangeable": [""] does not match null',
      pattern: { detail: { responseElements: [''] } },
      event: autoscalingEvent,
      matches: false,
    },
    {
      name: '[null] does not match the empty string',
      pattern: { detail: { eventVersion: [null] } },
      event: autoscalingEvent,
      matches: false,
    },
    {
      name: '[null] does not match the string "null" (recorded: null_value_NEG)',
      pattern: { detail: { responseElements: [null] } },
      event: { ...autoscalingEvent, detail: { eventVersion: '', responseElements: 'null' } },
      matches: false,
    },
  ]);
});

describe('documented examples: "Arrays in Amazon EventBridge event patterns"', () => {
  const pattern = {
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  };
  check([
    {
      name: 'matches because the first pattern value equals the second element of the event array',
      pattern,
      event: {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
      matches: true,
    },
    {
      name: 'does not match when the intersection is empty (recorded: arrays_NEG)',
      pattern,
      event: {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        ],
      },
      matches: false,
    },
    {
      name: '[ruler] "JSON Array Matching": { "employees": { "firstName": ["Anna"] } } matches inside an array',
      pattern: { employees: { firstName: ['Anna'] } },
      event: {
        employees: [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
          { firstName: 'Peter', lastName: 'Jones' },
        ],
      },
      matches: true,
    },
    {
      name: '[ruler] multi-level arrays are crushed out',
      pattern: { employees: { firstName: ['Peter'] } },
      event: {
        employees: [
          [
            { firstName: 'John', lastName: 'Doe' },
            { firstName: 'Anna', lastName: 'Smith' },
          ],
          [{ firstName: 'Peter', lastName: 'Jones' }],
        ],
      },
      matches: true,
    },
    {
      name: '[ruler] fields from different elements of one array do not combine (Anna / Jones)',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      event: {
        employees: [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
          { firstName: 'Peter', lastName: 'Jones' },
        ],
      },
      matches: false,
    },
    {
      name: '[ruler] fields from the same element do combine (Anna / Smith)',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
      event: {
        employees: [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
        ],
      },
      matches: true,
    },
  ]);
});

describe('documented examples: "Content filtering in Amazon EventBridge event patterns"', () => {
  check([
    // Prefix matching
    {
      name: 'prefix: "time" starting with "2017-10-02" matches "2017-10-02T18:43:48Z"',
      pattern: { time: [{ prefix: '2017-10-02' }] },
      event: { time: '2017-10-02T18:43:48Z' },
      matches: true,
    },
    {
      name: 'prefix: another day does not match',
      pattern: { time: [{ prefix: '2017-10-02' }] },
      event: { time: '2017-10-03T18:43:48Z' },
      matches: false,
    },
    {
      name: 'prefix with equals-ignore-case: "EventB" matches a service starting with "eventb" in any case',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      event: { detail: { service: 'EVENTBRIDGE' } },
      matches: true,
    },
    {
      name: 'prefix without equals-ignore-case is case-sensitive',
      pattern: { detail: { service: [{ prefix: 'EventB' }] } },
      event: { detail: { service: 'eventbridge' } },
      matches: false,
    },
    // Suffix matching
    {
      name: 'suffix: "FileName" ending with ".png"',
      pattern: { FileName: [{ suffix: '.png' }] },
      event: { FileName: 'image.png' },
      matches: true,
    },
    {
      name: 'suffix is case-sensitive (recorded: content_suffix_NEG)',
      pattern: { FileName: [{ suffix: '.PNG' }] },
      event: { FileName: 'image.png' },
      matches: false,
    },
    {
      name: 'suffix with equals-ignore-case: ".png" matches ".PNG"',
      pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      event: { detail: { FileName: 'image.PNG' } },
      matches: true,
    },
    // Anything-but matching
    {
      name: 'anything-but "initializing" matches another state',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: { detail: { state: 'pending' } },
      matches: true,
    },
    {
      name: 'anything-but "initializing" does not match "initializing"',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: { detail: { state: 'initializing' } },
      matches: false,
    },
    {
      name: 'anything-but 123 matches 789 and not 123',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      event: { detail: { 'x-limit': 789 } },
      matches: true,
    },
    {
      name: 'anything-but 123 does not match 123',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      event: { detail: { 'x-limit': 123 } },
      matches: false,
    },
    {
      name: 'anything-but a list of strings ["stopped", "overloaded"]',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: { detail: { state: 'overloaded' } },
      matches: false,
    },
    {
      name: 'anything-but a list of numbers [100, 200, 300] matches 999',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: { detail: { 'x-limit': 999 } },
      matches: true,
    },
    {
      name: 'anything-but a list of numbers [100, 200, 300] does not match 100',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: { detail: { 'x-limit': 100 } },
      matches: false,
    },
    {
      name: 'anything-but prefix "init" matches "post-init"',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: { detail: { state: 'post-init' } },
      matches: true,
    },
    {
      name: 'anything-but prefix "init" does not match "init-prefix"',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: { detail: { state: 'init-prefix' } },
      matches: false,
    },
    {
      name: 'anything-but suffix ".png" does not match "photo.png"',
      pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      event: { FileName: 'photo.png' },
      matches: false,
    },
    {
      name: 'anything-but equals-ignore-case "initializing" does not match "INITIALIZING"',
      pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
      event: { detail: { state: 'INITIALIZING' } },
      matches: false,
    },
    {
      name: 'anything-but wildcard "*/lib/*" does not match a path including /lib/',
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { FilePath: 'usr/lib/node' },
      matches: false,
    },
    {
      name: 'anything-but wildcard "*/lib/*" matches a path without /lib/',
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { FilePath: 'usr/share/node' },
      matches: true,
    },
    // Numeric matching
    {
      name: 'numeric: c-count in (0, 5], d-count < 10, x-limit = 3.018e2 match the Ruler sample event',
      pattern: {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }],
        },
      },
      event: rulerEvent,
      matches: true,
    },
    {
      name: 'numeric: c-count 42 is outside (0, 5] (recorded: content_numeric_and_NEG)',
      pattern: {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }],
        },
      },
      event: { detail: { 'c-count': 42, 'd-count': 9, 'x-limit': 301.8 } },
      matches: false,
    },
    // IP address matching
    {
      name: 'cidr "10.0.0.0/24" matches 10.0.0.255',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      event: { detail: { sourceIPAddress: '10.0.0.255' } },
      matches: true,
    },
    {
      name: 'cidr "10.0.0.0/24" does not match 10.0.1.1 nor the non-address 10.0.0.256',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      event: { detail: { sourceIPAddress: ['10.0.1.1', '10.0.0.256'] } },
      matches: false,
    },
    {
      name: 'cidr works with IPv6 (recorded: content_ip_address_v6)',
      pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } },
      event: { detail: { sourceIPAddress: '2001:0db8:1234:1a00:0000:0000:0000:0000' } },
      matches: true,
    },
    // Exists matching
    {
      name: 'exists false matches an event without detail.c-count',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: {
        'detail-type': ['EC2 Instance State-change Notification'],
        resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
        detail: { state: ['initializing', 'running'] },
      },
      matches: true,
    },
    {
      name: 'exists false also matches when c-count is an object, "because c-count isn\'t a leaf node"',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: {
        'detail-type': ['EC2 Instance State-change Notification'],
        resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
        detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } },
      },
      matches: true,
    },
    {
      name: '[ruler] exists true matches an event which has a detail.c-count field',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      event: rulerEvent,
      matches: true,
    },
    // Complex example with multiple matching
    {
      name: 'complex example: prefix, anything-but and numeric together match the Ruler sample event',
      pattern: {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
        },
      },
      event: rulerEvent,
      matches: true,
    },
    {
      name: 'complex example: fails when one field fails (x-limit 200)',
      pattern: {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
        },
      },
      event: { ...rulerEvent, detail: { ...rulerEvent.detail, 'x-limit': 200 } },
      matches: false,
    },
  ]);
});

describe('documented examples: "Comparison operators for use in event patterns"', () => {
  check([
    {
      name: 'And: Location is "New York" and Day is "Monday"',
      pattern: { Location: ['New York'], Day: ['Monday'] },
      event: { Location: 'New York', Day: 'Tuesday' },
      matches: false,
    },
    {
      name: 'Equals (ignore case): Name is "Alice" for [{ "equals-ignore-case": "alice" }]',
      pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
      event: { Name: 'Alice' },
      matches: true,
    },
    {
      name: 'Ends with (ignore case): "tBridge" matches "EVENTBRIDGE"',
      pattern: { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] },
      event: { service: 'EVENTBRIDGE' },
      matches: true,
    },
    {
      name: 'Exists: ProductName exists',
      pattern: { ProductName: [{ exists: true }] },
      event: { ProductName: 'Dossier' },
      matches: true,
    },
    {
      name: 'Does not exist: ProductName does not exist',
      pattern: { ProductName: [{ exists: false }] },
      event: { ProductName: 'Dossier' },
      matches: false,
    },
    {
      name: 'Not: Weather is anything but "Raining"',
      pattern: { Weather: [{ 'anything-but': ['Raining'] }] },
      event: { Weather: 'Sunny' },
      matches: true,
    },
    {
      name: 'Null: UserID is null',
      pattern: { UserID: [null] },
      event: { UserID: null },
      matches: true,
    },
    {
      name: 'Numeric (equals): Price is 100',
      pattern: { Price: [{ numeric: ['=', 100] }] },
      event: { Price: 100 },
      matches: true,
    },
    {
      name: 'Numeric (range): Price is more than 10, and less than or equal to 20',
      pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
      event: { Price: 20 },
      matches: true,
    },
    {
      name: 'Numeric (range): 10 itself is excluded',
      pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
      event: { Price: 10 },
      matches: false,
    },
    {
      name: 'Or: PaymentType is "Credit" or "Debit"',
      pattern: { PaymentType: ['Credit', 'Debit'] },
      event: { PaymentType: 'Debit' },
      matches: true,
    },
    {
      name: 'Or (multiple fields): Location is "New York", or Day is "Monday"',
      pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
      event: { Location: 'Hà Nội', Day: 'Monday' },
      matches: true,
    },
    {
      name: 'Or (multiple fields): neither holds',
      pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
      event: { Location: 'Hà Nội', Day: 'Sunday' },
      matches: false,
    },
    {
      name: 'Wildcard: any file with a .png extension, located within the folder "dir"',
      pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
      event: { FileName: 'dir/scan-001.png' },
      matches: true,
    },
    {
      name: 'Wildcard: not within "dir"',
      pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
      event: { FileName: 'other/scan-001.png' },
      matches: false,
    },
  ]);
});

describe('documented examples: [ruler] "And and Or Relationship among fields"', () => {
  check([
    {
      name: 'Normal "Or": "source" && ("metricName" || "namespace")',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      event: { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
      matches: true,
    },
    {
      name: 'Normal "Or": the AND part still applies',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      event: { source: 'aws.ec2', namespace: 'AWS/ES' },
      matches: false,
    },
    {
      name: 'Parallel "Or": ("metricName" || "namespace") && ("detail.source" || "detail.detail-type")',
      pattern: {
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
        detail: {
          $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }],
        },
      },
      event: { metricName: 'ReadLatency', detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
      matches: true,
    },
    {
      name: 'Nested "Or" and "And": the inner $or of the second alternative',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization', 'ReadLatency'] },
          {
            metricType: ['MetricType'],
            namespace: ['AWS/EC2', 'AWS/ES'],
            $or: [{ metricId: [1234] }, { spaceId: [1000] }],
          },
          { scope: ['Service'] },
        ],
      },
      event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 },
      matches: true,
    },
    {
      name: 'Nested "Or" and "And": the second alternative without its inner $or',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization', 'ReadLatency'] },
          {
            metricType: ['MetricType'],
            namespace: ['AWS/EC2', 'AWS/ES'],
            $or: [{ metricId: [1234] }, { spaceId: [1000] }],
          },
          { scope: ['Service'] },
        ],
      },
      event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 999 },
      matches: false,
    },
    {
      name: '$or with numeric alternatives (recorded: complex_or): d-count < 10',
      pattern: {
        detail: {
          $or: [
            { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
            { 'd-count': [{ numeric: ['<', 10] }] },
            { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
          ],
        },
      },
      event: { detail: { 'c-count': 0, 'd-count': 0, 'x-limit': 9.018e2 } },
      matches: true,
    },
    {
      name: '$or with numeric alternatives (recorded: complex_or_NEG): none holds',
      pattern: {
        detail: {
          $or: [
            { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
            { 'd-count': [{ numeric: ['<', 10] }] },
            { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
          ],
        },
      },
      event: { detail: { 'c-count': 0, 'd-count': 10, 'x-limit': 9.018e2 } },
      matches: false,
    },
  ]);
});

describe('behaviour recorded against AWS', () => {
  check([
    {
      name: 'anything-but matches null (content_anything_but_string_null)',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: { detail: { state: null } },
      matches: true,
    },
    {
      name: 'anything-but does not match a missing field (content_anything_but_string_missing_NEG)',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: { detail: {} },
      matches: false,
    },
    {
      name: 'anything-but prefix matches a number (content_anything_prefix_int_value)',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: { detail: { state: 12 } },
      matches: true,
    },
    {
      name: 'anything-but prefix list ["init", "post"] excludes "post-init" (content_anything_prefix_list_NEG)',
      pattern: { detail: { state: [{ 'anything-but': { prefix: ['init', 'post'] } }] } },
      event: { detail: { state: 'post-init' } },
      matches: false,
    },
    {
      name: 'anything-but suffix list [".txt", ".jpg"] matches "file.txt.bak" (content_anything_suffix_list)',
      pattern: { detail: { FileName: [{ 'anything-but': { suffix: ['.txt', '.jpg'] } }] } },
      event: { detail: { FileName: 'file.txt.bak' } },
      matches: true,
    },
    {
      name: 'anything-but equals-ignore-case list excludes "Stopped" (content_anything_but_ignorecase_list_NEG)',
      pattern: {
        detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
      },
      event: { detail: { state: 'Stopped' } },
      matches: false,
    },
    {
      name: 'anything-but wildcard "" matches a non-empty path (content_anything_wildcard_empty)',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '' } }] } },
      event: { detail: { FilePath: 'dir/init/file' } },
      matches: true,
    },
    {
      name: 'numbers compare as numbers: 300.0 equals [300] (number_comparison_float)',
      pattern: { number: [300] },
      event: JSON.parse('{ "number": 300.0 }'),
      matches: true,
    },
    {
      name: 'numeric does not match the string "300" (numeric-string_NEG)',
      pattern: { number: [{ numeric: ['>', 100] }] },
      event: { number: '300' },
      matches: false,
    },
    {
      name: 'numeric does not match null (numeric-null_NEG)',
      pattern: { number: [{ numeric: ['>', 100] }] },
      event: { number: null },
      matches: false,
    },
    {
      name: 'exists true does not match an empty array (exists_list_empty_NEG)',
      pattern: { resources: [{ exists: true }] },
      event: autoscalingEvent,
      matches: false,
    },
    {
      name: '[null] does not match an empty array (arrays_empty_null_NEG)',
      pattern: { resources: [null] },
      event: autoscalingEvent,
      matches: false,
    },
    {
      name: 'exists true does not match an object (exists_dynamodb_NEG)',
      pattern: { dynamodb: { presentKey: [{ exists: true }] } },
      event: { dynamodb: { id: { S: 'test1234' }, presentKey: { S: 'test123' } } },
      matches: false,
    },
    {
      name: 'exists true on the leaf below it matches (exists_dynamodb)',
      pattern: { dynamodb: { presentKey: { S: [{ exists: true }] } } },
      event: { dynamodb: { id: { S: 'test1234' }, presentKey: { S: 'test123' } } },
      matches: true,
    },
    {
      name: 'exists false deep below a missing parent matches (content_exists_false)',
      pattern: { detail: { level1: { 'level2:': { level3: { level4: [{ exists: false }] } } } } },
      event: { detail: { level1: { level2: 'l2 value' } } },
      matches: true,
    },
    {
      name: 'exists false on a present nested leaf does not match (content_exists_false_NEG)',
      pattern: { detail: { level1: { level2: { level3: { level4: [{ exists: false }] } } } } },
      event: { detail: { level1: { level2: { level3: { level4: 'l4 value' } } } } },
      matches: false,
    },
    {
      name: 'exists inside an array of objects (list_within_dict)',
      pattern: { detail: { automations: { id: [{ exists: true }] } } },
      event: {
        detail: { automations: [{ key1: 'value1' }, { id: 'match-does-exist' }, { key2: 'value2' }] },
      },
      matches: true,
    },
    {
      name: 'the values of a leaf array are ORed across operators (operator_multiple_list)',
      pattern: { my_key: [{ exists: true }, { prefix: 'IGNORED' }, { suffix: 'IGNORED' }] },
      event: { my_key: 'my-value' },
      matches: true,
    },
    {
      name: 'anything-but or exists false, the field missing (or-exists)',
      pattern: {
        dynamodb: { NewImage: { homemade: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } } },
      },
      event: { dynamodb: { NewImage: { homemade: { N: '789' } } } },
      matches: true,
    },
    {
      name: 'anything-but or exists false, the parent missing (or-exists-parent)',
      pattern: {
        dynamodb: { NewImage: { homemade: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } } },
      },
      event: { dynamodb: { NewImage: { purchased: { N: '789' } } } },
      matches: true,
    },
    {
      name: 'numeric or anything-but on a numeric string "101" (or-numeric-anything-but_NEG)',
      pattern: {
        dynamodb: {
          NewImage: { numericFilter: { N: [{ numeric: ['>', 100] }, { 'anything-but': '101' }] } },
        },
      },
      event: { dynamodb: { NewImage: { numericFilter: { N: '101' } } } },
      matches: false,
    },
    {
      name: 'keys are case-sensitive (key_case_sensitive_NEG)',
      pattern: { MY_KEY: ['my-value'] },
      event: { my_key: 'my-value' },
      matches: false,
    },
    {
      name: 'a JSON string is not parsed (nested_json_NEG)',
      pattern: { detail: { 'my-key': ['my-value'] } },
      event: { detail: '{"my-key": "my-value"}' },
      matches: false,
    },
    {
      name: 'prefix "" matches any string (content_prefix_empty)',
      pattern: { source: [{ prefix: '' }] },
      event: { source: 'test-source' },
      matches: true,
    },
    {
      name: 'equals-ignore-case "" matches only "" (content_ignorecase_empty_NEG)',
      pattern: { detail: { value: [{ 'equals-ignore-case': '' }] } },
      event: { detail: { value: 'test-value' } },
      matches: false,
    },
    {
      name: 'wildcard "" matches only "" (content_wildcard_empty_NEG)',
      pattern: { EventBusArn: [{ wildcard: '' }] },
      event: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/myEventBus' },
      matches: false,
    },
    {
      name: 'wildcard with repeating segments (content_wildcard_repeating)',
      pattern: { FileName: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] },
      event: { FileName: '/Users/ls_user/dir/dir/dir/dir/dir/doc.txt' },
      matches: true,
    },
    {
      name: 'wildcard with repeating segments, one differs (content_wildcard_repeating_NEG)',
      pattern: { FileName: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] },
      event: { FileName: '/Users/ls_user/dir/dir/dir/dir/otherdir/doc.txt' },
      matches: false,
    },
  ]);
});

describe('edge cases', () => {
  check([
    {
      name: 'the string "5" does not equal the number 5',
      pattern: { detail: { count: ['5'] } },
      event: { detail: { count: 5 } },
      matches: false,
    },
    {
      name: 'the number 5 does not equal the string "5"',
      pattern: { detail: { count: [5] } },
      event: { detail: { count: '5' } },
      matches: false,
    },
    {
      name: 'true does not equal "true"',
      pattern: { detail: { urgent: [true] } },
      event: { detail: { urgent: 'true' } },
      matches: false,
    },
    {
      name: 'false matches false',
      pattern: { detail: { urgent: [false] } },
      event: { detail: { urgent: false } },
      matches: true,
    },
    {
      name: 'an agency code inside the recipients array',
      pattern: { 'detail-type': ['DocumentSent'], detail: { recipients: ['000.00.21.H62'] } },
      event: { 'detail-type': 'DocumentSent', detail: { recipients: ['000.00.01.H62', '000.00.21.H62'] } },
      matches: true,
    },
    {
      name: 'an agency code absent from the recipients array',
      pattern: { 'detail-type': ['DocumentSent'], detail: { recipients: ['000.00.21.H62'] } },
      event: { 'detail-type': 'DocumentSent', detail: { recipients: ['000.00.01.H62'] } },
      matches: false,
    },
    {
      name: 'an empty recipients array matches no value',
      pattern: { detail: { recipients: [{ prefix: '' }] } },
      event: { detail: { recipients: [] } },
      matches: false,
    },
    {
      name: 'an empty recipients array does not "exist"',
      pattern: { detail: { recipients: [{ exists: false }] } },
      event: { detail: { recipients: [] } },
      matches: true,
    },
    {
      name: 'a prefix on an array element (agencies of one province)',
      pattern: { detail: { recipients: [{ prefix: '000.00.' }] } },
      event: { detail: { recipients: ['H62.01', '000.00.21.H62'] } },
      matches: true,
    },
    {
      name: 'anything-but with an event array: one element not excluded is enough',
      pattern: { detail: { recipients: [{ 'anything-but': '000.00.21.H62' }] } },
      event: { detail: { recipients: ['000.00.21.H62', '000.00.01.H62'] } },
      matches: true,
    },
    {
      name: 'anything-but with an event array whose every element is excluded',
      pattern: { detail: { recipients: [{ 'anything-but': ['000.00.21.H62', '000.00.01.H62'] }] } },
      event: { detail: { recipients: ['000.00.21.H62', '000.00.01.H62'] } },
      matches: false,
    },
    {
      name: 'anything-but a string matches a number and a boolean (different type, not excluded)',
      pattern: { a: [{ 'anything-but': '5' }], b: [{ 'anything-but': 'true' }] },
      event: { a: 5, b: true },
      matches: true,
    },
    {
      name: 'nested objects three levels deep',
      pattern: { detail: { dossier: { applicant: { province: ['Vĩnh Phúc'] } } } },
      event: { detail: { dossier: { applicant: { province: 'Vĩnh Phúc', name: 'An' } } } },
      matches: true,
    },
    {
      name: 'a nested pattern against a leaf value does not match',
      pattern: { detail: { dossier: { status: ['RECEIVED'] } } },
      event: { detail: { dossier: 'RECEIVED' } },
      matches: false,
    },
    {
      name: 'a leaf pattern against an object does not match',
      pattern: { detail: ['RECEIVED'] },
      event: { detail: { status: 'RECEIVED' } },
      matches: false,
    },
    {
      name: 'exists on a nested field that is present',
      pattern: { detail: { dossier: { dueAt: [{ exists: true }] } } },
      event: { detail: { dossier: { dueAt: '2026-12-01' } } },
      matches: true,
    },
    {
      name: 'exists true matches null (null is a value)',
      pattern: { detail: { dossier: { dueAt: [{ exists: true }] } } },
      event: { detail: { dossier: { dueAt: null } } },
      matches: true,
    },
    {
      name: 'exists false on a nested field whose parent is missing',
      pattern: { detail: { dossier: { dueAt: [{ exists: false }] } } },
      event: { detail: {} },
      matches: true,
    },
    {
      name: 'exists false under an array of objects, none having the field',
      pattern: { detail: { items: { fee: [{ exists: false }] } } },
      event: { detail: { items: [{ code: 'a' }, { code: 'b' }] } },
      matches: true,
    },
    {
      name: 'inherited properties are not fields: constructor does not exist on {}',
      pattern: { constructor: [{ exists: false }], toString: [{ exists: false }] },
      event: {},
      matches: true,
    },
    {
      name: 'numeric range with floats and negatives: -0.5 in [-1, 0)',
      pattern: { t: [{ numeric: ['>=', -1, '<', 0] }] },
      event: { t: -0.5 },
      matches: true,
    },
    {
      name: 'numeric range with floats: 0 excluded from [-1, 0)',
      pattern: { t: [{ numeric: ['>=', -1, '<', 0] }] },
      event: { t: 0 },
      matches: false,
    },
    {
      name: 'numeric with floats: 0.1 + 0.2 is not = 0.3 (binary doubles)',
      pattern: { t: [{ numeric: ['=', 0.3] }] },
      event: { t: 0.1 + 0.2 },
      matches: false,
    },
    {
      name: 'numeric over an array: one element in range is enough',
      pattern: { fees: [{ numeric: ['>', 1_000_000] }] },
      event: { fees: [50_000, 2_500_000] },
      matches: true,
    },
    {
      name: 'numeric on a boolean never matches',
      pattern: { t: [{ numeric: ['>=', 0] }] },
      event: { t: true },
      matches: false,
    },
    {
      name: 'a missing field never matches a value filter',
      pattern: { detail: { agencyCode: [{ prefix: '' }] } },
      event: { detail: {} },
      matches: false,
    },
    {
      name: 'equals-ignore-case with Vietnamese letters',
      pattern: { detail: { ward: [{ 'equals-ignore-case': 'phường đống đa' }] } },
      event: { detail: { ward: 'PHƯỜNG ĐỐNG ĐA' } },
      matches: true,
    },
    {
      name: 'wildcard escapes: \\* is a literal asterisk',
      pattern: { s: [{ wildcard: 'a\\*b*' }] },
      event: { s: 'a*bc' },
      matches: true,
    },
    {
      name: 'wildcard escapes: a literal asterisk is required',
      pattern: { s: [{ wildcard: 'a\\*b*' }] },
      event: { s: 'axbc' },
      matches: false,
    },
    {
      name: 'wildcard: regex characters are literal',
      pattern: { s: [{ wildcard: '(a+).[b]*' }] },
      event: { s: '(a+).[b]xyz' },
      matches: true,
    },
    {
      name: 'wildcard * matches the empty run and a line break',
      pattern: { s: [{ wildcard: 'a*b' }] },
      event: { s: 'ab' },
      matches: true,
    },
    {
      name: 'a non-object event matches nothing but exists false',
      pattern: { a: [{ exists: false }] },
      event: ['not', 'an', 'object'] as unknown as Record<string, unknown>,
      matches: true,
    },
  ]);

  it('matches a wildcard across a line break', () => {
    expect(matchesPattern({ s: [{ wildcard: 'a*b' }] }, { s: 'a\nb' })).toBe(true);
  });
});

describe('assertValidPattern: what EventBridge rejects', () => {
  // Reasons as event-ruler words them; the `_EXC` names are the recorded AWS rejections.
  const invalid: readonly (readonly [string, unknown, string])[] = [
    ['a pattern that is not an object', ['source'], 'Filter is not an object'],
    [
      'a leaf that is not an array (string_nolist_EXC)',
      { string: 'my-value' },
      'must be an object or an array',
    ],
    ['a leaf number that is not an array (int_nolist_EXC)', { int: 42 }, 'must be an object or an array'],
    ['an empty leaf array (arrays_empty_EXC)', { resources: [] }, 'Empty arrays are not allowed'],
    ['an empty object', { detail: {} }, 'Empty objects are not allowed'],
    ['an empty pattern', {}, 'Empty objects are not allowed'],
    [
      'an array inside a leaf array',
      { a: [['x']] },
      'Match value must be String, number, true, false, or null',
    ],
    ['an unknown operator', { a: [{ contains: 'x' }] }, 'Unrecognized match type contains'],
    [
      'an operator in capitals (content_numeric_operatorcasing_EXC)',
      { a: [{ NUMERIC: ['=', 5] }] },
      'Unrecognized match type NUMERIC',
    ],
    [
      'EXISTS in capitals (operator_case_sensitive_EXC)',
      { a: [{ EXISTS: true }] },
      'Unrecognized match type EXISTS',
    ],
    [
      'two operators in one object',
      { a: [{ prefix: 'a', suffix: 'b' }] },
      'Only one key allowed in match expression',
    ],
    ['an empty match expression', { a: [{}] }, 'Match expression name not found'],
    [
      'prefix with a number (content_prefix_int_EXC)',
      { time: [{ prefix: 123 }] },
      'prefix match pattern must be a string',
    ],
    [
      'prefix with a list (content_prefix_list_EXC)',
      { time: [{ prefix: ['2022-07-13'] }] },
      'prefix match pattern must be a string',
    ],
    [
      'suffix with a number (content_suffix_int_EXC)',
      { f: [{ suffix: 123 }] },
      'suffix match pattern must be a string',
    ],
    [
      'suffix with a list (content_suffix_list_EXC)',
      { f: [{ suffix: ['.png'] }] },
      'suffix match pattern must be a string',
    ],
    [
      'prefix with another inner operator',
      { f: [{ prefix: { wildcard: 'a*' } }] },
      'Unsupported prefix pattern: wildcard',
    ],
    [
      'equals-ignore-case with a list (content_ignorecase_list_EXC)',
      { f: [{ 'equals-ignore-case': ['x'] }] },
      'equals-ignore-case match pattern must be a string',
    ],
    [
      'equals-ignore-case with prefix inside (content_ignorecase_EXC)',
      { f: [{ 'equals-ignore-case': { prefix: 'ec2' } }] },
      'equals-ignore-case match pattern must be a string',
    ],
    [
      'exists with a string',
      { f: [{ exists: 'true' }] },
      'exists match pattern must be either true or false.',
    ],
    [
      'numeric that is not an array (content_numeric_number_EXC)',
      { f: [{ numeric: 10 }] },
      'Value of numeric must be an array.',
    ],
    ['numeric, an empty array', { f: [{ numeric: [] }] }, 'Invalid member in numeric match'],
    ['numeric, a number first', { f: [{ numeric: [5, '>'] }] }, 'Invalid member in numeric match: 5'],
    [
      'numeric, an unknown operator',
      { f: [{ numeric: ['!=', 5] }] },
      'Unrecognized numeric range operator: !=',
    ],
    ['numeric, a string operand', { f: [{ numeric: ['>', '5'] }] }, 'Value of > must be numeric'],
    ['numeric, = with a string', { f: [{ numeric: ['=', 'x'] }] }, 'Value of equals must be numeric'],
    [
      'numeric, > then > (content_numeric_EXC)',
      { f: [{ numeric: ['>', 0, '>', 0] }] },
      'Bad numeric range operator: >',
    ],
    [
      'numeric, range without its top (content_numeric_syntax_EXC)',
      { f: [{ numeric: ['>', 0, '<'] }] },
      'Value of < must be numeric',
    ],
    [
      'numeric, < followed by more',
      { f: [{ numeric: ['<', 5, '>', 0] }] },
      'Too many elements in numeric expression',
    ],
    [
      'numeric, = followed by more',
      { f: [{ numeric: ['=', 5, '<', 9] }] },
      'Too many elements in numeric expression',
    ],
    ['numeric, bottom above top', { f: [{ numeric: ['>', 5, '<', 1] }] }, 'Bottom must be less than top'],
    [
      'numeric, bottom equal to top',
      { f: [{ numeric: ['>=', 5, '<=', 5] }] },
      'Bottom must be less than top',
    ],
    [
      'numeric, too many terms',
      { f: [{ numeric: ['>', 0, '<', 5, 6] }] },
      'Too many terms in numeric range expression',
    ],
    [
      'anything-but null (content_anything_but_string_null_type_EXC)',
      { f: [{ 'anything-but': null }] },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      'anything-but a boolean',
      { f: [{ 'anything-but': true }] },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      'anything-but a list with null (content_anything_but_string_list_null_type_EXC)',
      { f: [{ 'anything-but': ['stopped', null] }] },
      'start|null|boolean is not supported',
    ],
    [
      'anything-but a mixed list',
      { f: [{ 'anything-but': ['stopped', 5] }] },
      'either all values are number or string',
    ],
    ['anything-but an empty list', { f: [{ 'anything-but': [] }] }, 'Empty arrays are not allowed'],
    [
      'anything-but prefix "" (content_anything_prefix_empty_EXC)',
      { f: [{ 'anything-but': { prefix: '' } }] },
      'Null prefix/suffix not allowed',
    ],
    [
      'anything-but suffix "" (content_anything_suffix_empty_EXC)',
      { f: [{ 'anything-but': { suffix: '' } }] },
      'Null prefix/suffix not allowed',
    ],
    [
      'anything-but prefix 123 (content_anything_prefix_int_EXC)',
      { f: [{ 'anything-but': { prefix: 123 } }] },
      'prefix/suffix match pattern must be a string',
    ],
    [
      'anything-but prefix list with a number (content_anything_prefix_list_type_EXC)',
      { f: [{ 'anything-but': { prefix: [123, 'test'] } }] },
      'prefix/suffix match pattern must be a string',
    ],
    [
      'anything-but prefix ignoring case (content_anything_prefix_ignorecase_EXC)',
      { f: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'file' } } }] },
      'prefix/suffix match pattern must be a string',
    ],
    [
      'anything-but suffix list with null (content_anything_suffix_list_null_type_EXC)',
      { f: [{ 'anything-but': { suffix: [null, '.txt'] } }] },
      'prefix/suffix match pattern must be a string',
    ],
    [
      'anything-but equals-ignore-case 123 (content_anything_but_ignorecase_EXC)',
      { f: [{ 'anything-but': { 'equals-ignore-case': 123 } }] },
      'number|start|null|boolean is not supported',
    ],
    [
      'anything-but equals-ignore-case [123, 456] (content_anything_but_ignorecase_list_EXC)',
      { f: [{ 'anything-but': { 'equals-ignore-case': [123, 456] } }] },
      'number|start|null|boolean is not supported',
    ],
    [
      'anything-but wildcard 123 (content_anything_wildcard_type_EXC)',
      { f: [{ 'anything-but': { wildcard: 123 } }] },
      'wildcard match pattern must be a string',
    ],
    [
      'anything-but numeric',
      { f: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'Unsupported anything-but pattern: numeric',
    ],
    [
      'anything-but with an empty object',
      { f: [{ 'anything-but': {} }] },
      'Anything-But expression name not found',
    ],
    [
      'wildcard 123 (content_wildcard_int_EXC)',
      { f: [{ wildcard: 123 }] },
      'wildcard match pattern must be a string',
    ],
    [
      'wildcard list (content_wildcard_list_EXC)',
      { f: [{ wildcard: ['a*'] }] },
      'wildcard match pattern must be a string',
    ],
    [
      'wildcard ** (content_wildcard_repeating_star_EXC)',
      { f: [{ wildcard: 'arn:aws:events:us-east-1:**:event-bus/*' }] },
      'Consecutive wildcard characters at pos 25',
    ],
    ['wildcard with an invalid escape', { f: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 1'],
    ['wildcard ending in a backslash', { f: [{ wildcard: 'a\\' }] }, 'Invalid escape character at pos 1'],
    [
      'cidr without a mask (content_ip_address_EXC)',
      { f: [{ cidr: 'bad-filter' }] },
      "Malformed CIDR, one '/' required",
    ],
    [
      'cidr with a bad address (content_ip_address_bad_ip_EXC)',
      { f: [{ cidr: 'xx.11.xx/8' }] },
      'Nonstandard IP address: xx.11.xx',
    ],
    [
      'cidr with a bad mask (content_ip_address_bad_mask_EXC)',
      { f: [{ cidr: 'bad-/64filter' }] },
      'Malformed CIDR, mask bits must be an integer',
    ],
    [
      'cidr with a list (content_ip_address_type_EXC)',
      { f: [{ cidr: ['bad-type'] }] },
      'cidr match pattern must be a string',
    ],
    ['$or that is not an array', { $or: { a: ['x'] } }, 'It must be an Array followed with $or.'],
    [
      '$or with one alternative',
      { $or: [{ a: ['x'] }] },
      'There must have at least 2 Objects in $or relationship.',
    ],
    [
      '$or with a non-object alternative',
      { $or: [{ a: ['x'] }, ['b']] },
      'Only JSON object is allowed in array of $or relationship.',
    ],
    [
      '$or with an operator as a field name',
      { $or: [{ numeric: [123] }, { prefix: ['abc'] }] },
      'numeric is Ruler reserved fieldName which cannot be used inside $or.',
    ],
    ['$or with an empty alternative', { $or: [{}, { a: ['x'] }] }, 'Empty objects are not allowed'],
  ];

  it.each(invalid)('rejects %s', (_name, pattern, reason) => {
    expect(() => assertValidPattern(pattern)).toThrow(InvalidEventPatternError);
    expect(() => assertValidPattern(pattern)).toThrow(reason);
  });

  it('says where the problem is', () => {
    expect(() => assertValidPattern({ detail: { recipients: ['x', { prefix: 1 }] } })).toThrow(
      'Event pattern is not valid. Reason: prefix match pattern must be a string (at detail.recipients[1].prefix)',
    );
  });

  it('refuses to match with an invalid pattern', () => {
    const invalidPattern = { source: 'vnpp.documents' } as unknown as EventPattern;
    expect(() => matchesPattern(invalidPattern, { source: 'vnpp.documents' })).toThrow(
      InvalidEventPatternError,
    );
  });

  it.each([
    [
      'every documented operator',
      {
        source: [
          'vnpp.documents',
          { prefix: 'vnpp.' },
          { suffix: '.documents' },
          { 'equals-ignore-case': 'VNPP.DOCUMENTS' },
        ],
        detail: {
          a: [
            { 'anything-but': 'x' },
            { 'anything-but': 1 },
            { 'anything-but': ['x', 'y'] },
            { 'anything-but': [1, 2] },
          ],
          b: [{ 'anything-but': { prefix: 'x' } }, { 'anything-but': { suffix: ['x', 'y'] } }],
          c: [
            { 'anything-but': { 'equals-ignore-case': ['x'] } },
            { 'anything-but': { wildcard: '*/lib/*' } },
          ],
          d: [{ numeric: ['=', 1] }, { numeric: ['<', 1] }, { numeric: ['>=', -1.5, '<', 1e9] }],
          e: [{ exists: true }, { wildcard: 'a*b\\*c\\\\' }, { cidr: '10.0.0.0/8' }, null, true, 0, ''],
          $or: [{ f: ['x'] }, { g: { h: [{ exists: false }] } }],
        },
      },
    ],
    [
      'an agency routing rule',
      { 'detail-type': ['DocumentSent'], detail: { recipients: ['000.00.21.H62'] } },
    ],
  ])('accepts %s', (_name, pattern) => {
    expect(() => assertValidPattern(pattern)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const fieldName = fc.oneof(
  fc.constantFrom('source', 'detail-type', 'detail', 'recipients', 'agencyCode', 'constructor', 'toString'),
  fc.stringMatching(/^[A-Za-z][\w.-]{0,8}$/),
);
const leaf: fc.Arbitrary<JsonPrimitive> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
  fc.boolean(),
  fc.constant(null),
);
const { object: jsonObject } = fc.letrec<{ value: unknown; object: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 4 }), tie('object')),
  object: fc.dictionary(fieldName, tie('value'), { maxKeys: 5 }),
}));

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isLeaf = (value: unknown): value is JsonPrimitive => value === null || typeof value !== 'object';
const flat = (values: readonly unknown[]): unknown[] =>
  values.flatMap((value: unknown) => (Array.isArray(value) ? flat(value) : [value]));

/** A pattern that selects an event by its own values (undefined when the event offers none). */
function patternOf(event: Record<string, unknown>): EventPattern | undefined {
  const fields: [string, unknown][] = [];
  for (const [key, value] of Object.entries(event)) {
    if (isLeaf(value)) {
      fields.push([key, [value]]);
    } else if (Array.isArray(value)) {
      const leaves = flat(value).filter(isLeaf);
      const firstObject = flat(value).find(isObject);
      const nested = firstObject && patternOf(firstObject);
      if (leaves.length > 0) fields.push([key, leaves]);
      else if (nested) fields.push([key, nested]);
    } else if (isObject(value)) {
      const nested = patternOf(value);
      if (nested) fields.push([key, nested]);
    }
  }
  return fields.length > 0 ? (Object.fromEntries(fields) as EventPattern) : undefined;
}

describe('properties', () => {
  it('a pattern built from an event’s own values is valid and matches that event', () => {
    fc.assert(
      fc.property(jsonObject, (event) => {
        const pattern = patternOf(event);
        fc.pre(pattern !== undefined);
        assertValidPattern(pattern);
        expect(matchesPattern(pattern as EventPattern, event)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('anything-but x (or a list holding x) never matches an event whose field is x', () => {
    const excludable = fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }));
    fc.assert(
      fc.property(fieldName, excludable, fc.array(excludable, { maxLength: 3 }), (field, x, others) => {
        const event = { [field]: x };
        expect(matchesPattern({ [field]: [{ 'anything-but': x }] }, event)).toBe(false);
        const sameType = others.filter((other) => typeof other === typeof x);
        const list = [x, ...sameType] as readonly string[] | readonly number[];
        expect(matchesPattern({ [field]: [{ 'anything-but': list }] }, event)).toBe(false);
      }),
    );
  });

  it('anything-but x matches every other present value', () => {
    fc.assert(
      fc.property(fc.string(), leaf, (x, value) => {
        fc.pre(value !== x);
        expect(matchesPattern({ f: [{ 'anything-but': x }] }, { f: value })).toBe(true);
      }),
    );
  });

  it('exists true and exists false disagree on every value, missing included', () => {
    fc.assert(
      fc.property(jsonObject, fieldName, (event, field) => {
        const present = matchesPattern({ [field]: [{ exists: true }] }, event);
        const absent = matchesPattern({ [field]: [{ exists: false }] }, event);
        expect(present).toBe(!absent);
      }),
    );
  });

  it('numeric [">=", a, "<", b] holds exactly for a <= v < b', () => {
    const number = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 });
    fc.assert(
      fc.property(number, number, number, (a, b, v) => {
        fc.pre(a < b);
        const pattern: EventPattern = { v: [{ numeric: ['>=', a, '<', b] }] };
        expect(matchesPattern(pattern, { v })).toBe(a <= v && v < b);
        expect(matchesPattern(pattern, { v: String(v) })).toBe(false);
      }),
    );
  });

  it('prefix, suffix and equals-ignore-case accept the value they were made from', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (head, tail) => {
        const value = head + tail;
        expect(matchesPattern({ f: [{ prefix: head }] }, { f: value })).toBe(true);
        expect(matchesPattern({ f: [{ suffix: tail }] }, { f: value })).toBe(true);
        expect(
          matchesPattern({ f: [{ 'equals-ignore-case': value.toUpperCase() }] }, { f: value.toLowerCase() }),
        ).toBe(value.toUpperCase().toLowerCase() === value.toLowerCase().toLowerCase());
        expect(matchesPattern({ f: [{ 'anything-but': { prefix: `${head}x` } }] }, { f: value })).toBe(
          !value.startsWith(`${head}x`),
        );
      }),
    );
  });
});
