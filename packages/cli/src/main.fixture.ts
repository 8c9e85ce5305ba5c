import Database from 'better-sqlite3';

/** One command line as `aftersales run` reads it. */
export const command = (type: string, data: Record<string, unknown>, commandId: string, actor: { id: string; role: string }, at: string) =>
  JSON.stringify({ type, data, metadata: { commandId, actor, at } });

export const endpoint = { id: 'EP-01', role: 'BusinessEndpoint' };
export const manager = { id: 'DM-01', role: 'DepartmentManager' };

export const receive = (orderId: string, at: string) =>
  command(
    'ReceiveRepairOrder',
    { orderId, endpointId: 'EP-01', customer: { name: '王芳', phone: '13800000000' }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
    `${orderId}/receive`,
    endpoint,
    at,
  );
export const confirm = (orderId: string, at: string) => command('ConfirmReceipt', { orderId }, `${orderId}/confirm`, manager, at);
export const schedule = (orderId: string, at: string, promisedBy: string) =>
  command('ScheduleRepair', { orderId, promisedBy, specialistId: 'SP-01' }, `${orderId}/schedule`, manager, at);

export const results = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { line: number; commandId: string | null; ok: boolean; events?: unknown[]; error?: { code: string; message: string } });

/** Opens a store file directly, as a person with the file (and no library) would. */
export const sqlite = (path: string) => new Database(path);
