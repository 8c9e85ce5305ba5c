import * as E from 'fp-ts/lib/Either.js';
import type { KpiConfig, ReadModelError, ReadModels } from '@aftersales/read-models';
import type { OpenedReadModels } from '@aftersales/service';
import { openReadModels as openServiceReadModels, parseReadModelsUrl } from '@aftersales/service';
import { CliError, storeError, usageError } from './cli-error.js';
import type { CliContext } from './context.js';
import type { OpenedStore } from './store-url.js';
import { orCliError } from './store-url.js';

export { describeReadModels } from '@aftersales/service';

/** Opens the read models of a command over an opened store: `--read-models` names where, the log's own file by default. */
export const openReadModels = async (opened: OpenedStore, url: string | undefined, config?: KpiConfig): Promise<OpenedReadModels> =>
  orCliError(await openServiceReadModels(opened.store, opened, { ...(url === undefined ? {} : { at: url }), ...(config === undefined ? {} : { config }) }));

/** Checks a `--read-models` URL before anything is opened or written: a typo must not cost a whole demo's run. */
export const checkReadModelsUrl = (url: string | undefined): void => void orCliError(parseReadModelsUrl(url));

/** A read-model failure as the CLI reports it: one line, exit 2; a mismatch says how to rebuild. */
export const readModelError = (error: ReadModelError): CliError => {
  if (error.code === 'ReadModelMismatch' || error.code === 'CorruptedReadModel') {
    return new CliError(`${error.message} (run the command again with --rebuild)`);
  }
  if (error.code === 'InvalidQuery') return usageError(error.message);
  return storeError(error);
};

/** Brings the read models up to the end of the log (rebuilding them first when asked), or fails with one line. */
export const catchUp = async (models: ReadModels, options: { readonly rebuild?: boolean }, context: CliContext): Promise<void> => {
  if (options.rebuild) {
    if (context.interactive) context.stderr.write('Rebuilding the read models from the log…\n');
    const rebuilt = await models.rebuild();
    if (E.isLeft(rebuilt)) throw readModelError(rebuilt.left);
    return;
  }
  const caughtUp = await models.catchUp();
  if (E.isLeft(caughtUp)) throw readModelError(caughtUp.left);
};

/** Opens the read models, runs `work`, and closes them whatever happens. */
export const withReadModels = async <A>(opened: OpenedStore, url: string | undefined, config: KpiConfig | undefined, work: (readModels: OpenedReadModels) => Promise<A>): Promise<A> => {
  const readModels = await openReadModels(opened, url, config);
  try {
    return await work(readModels);
  } finally {
    await readModels.close();
  }
};
