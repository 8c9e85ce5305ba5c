import { EventStoreDBTestServer } from './server.js';

// Runs the test server on its own, e.g. to point EVENTSTORE_CONNECTION_STRING at it from another process.
const port = Number(process.argv[2] ?? 2113);
const server = await EventStoreDBTestServer.start({ port });
console.log(server.connectionString);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
