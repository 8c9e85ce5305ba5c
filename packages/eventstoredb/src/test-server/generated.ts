import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as SharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type * as StatusPb from '@eventstore/db-client/generated/status_pb.js';
import type * as CodePb from '@eventstore/db-client/generated/code_pb.js';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type * as StreamsGrpcPb from '@eventstore/db-client/generated/streams_grpc_pb.js';
import type * as ServerFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import type * as ServerFeaturesGrpcPb from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';

const require = createRequire(import.meta.url);
const clientRoot = dirname(require.resolve('@eventstore/db-client/package.json'));
const clientRequire = createRequire(join(clientRoot, 'package.json'));

// The server speaks with the very message classes the client was generated with, so both sides
// agree on the wire format by construction; loading them from the client's folder also keeps a
// single copy of the generated code (and of google-protobuf) in the process.
const load = <Module>(file: string): Module => require(join(clientRoot, 'generated', file)) as Module;

export const sharedPb = load<typeof SharedPb>('shared_pb.js');
export const statusPb = load<typeof StatusPb>('status_pb.js');
export const codePb = load<typeof CodePb>('code_pb.js');
export const streamsPb = load<typeof StreamsPb>('streams_pb.js');
export const streamsGrpcPb = load<typeof StreamsGrpcPb>('streams_grpc_pb.js');
export const serverFeaturesPb = load<typeof ServerFeaturesPb>('serverfeatures_pb.js');
export const serverFeaturesGrpcPb = load<typeof ServerFeaturesGrpcPb>('serverfeatures_grpc_pb.js');
// The parts of google-protobuf's runtime the server uses (the package ships no types of its own).
interface BinaryWriterClass {
  new (): { writeString(field: number, value: string): void; writeUint32(field: number, value: number): void; getResultBuffer(): Uint8Array };
}
type Any = NonNullable<Parameters<StatusPb.Status['setDetails']>[0]>;
type Empty = NonNullable<Parameters<SharedPb.WrongExpectedVersion['setCurrentNoStream']>[0]>;
interface AnyClass {
  new (): Any;
}
interface EmptyClass {
  new (): Empty;
}
export const { BinaryWriter } = clientRequire('google-protobuf') as { BinaryWriter: BinaryWriterClass };
export const anyPb = clientRequire('google-protobuf/google/protobuf/any_pb.js') as { Any: AnyClass };
export const emptyPb = clientRequire('google-protobuf/google/protobuf/empty_pb.js') as { Empty: EmptyClass };
