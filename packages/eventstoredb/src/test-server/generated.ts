import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as SharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type * as StreamsGrpcPb from '@eventstore/db-client/generated/streams_grpc_pb.js';

const require = createRequire(import.meta.url);
const clientRoot = dirname(require.resolve('@eventstore/db-client/package.json'));

// The server speaks with the very message classes the client was generated with, so both sides
// agree on the wire format by construction; loading them from the client's folder also keeps a
// single copy of the generated code in the process.
const load = <Module>(file: string): Module => require(join(clientRoot, 'generated', file)) as Module;

export const sharedPb = load<typeof SharedPb>('shared_pb.js');
export const streamsPb = load<typeof StreamsPb>('streams_pb.js');
export const streamsGrpcPb = load<typeof StreamsGrpcPb>('streams_grpc_pb.js');
