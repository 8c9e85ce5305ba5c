/** A claim on a budget line, as it now stands. */
export interface Expense {
  readonly expenseId: string;
  readonly category: string;
  readonly amount: number;
  readonly claimantId: string;
  /** The role the claim was made in; absent for claims recorded before the role was kept. */
  readonly claimantRole?: string;
  readonly status: 'Pending' | 'Approved' | 'Rejected';
}

/**
 * The claims of a budget, by expense id, as an immutable value that costs O(1) to extend.
 *
 * A budget can hold tens of thousands of claims, and copying a map of them for every claim made a
 * replay quadratic. A ledger is instead a view of the first `size` entries of a log of expense
 * versions that all ledgers derived from one another share. Extending the newest ledger appends to
 * the log; extending an older one (a fold that branches, e.g. a cached state decided on twice)
 * copies its entries into a log of its own first. So every ledger keeps answering as it did when it
 * was made, and a replay does work linear in its events.
 */
export interface ExpenseLedger {
  readonly log: LedgerLog;
  /** How many entries of the log this ledger sees. */
  readonly size: number;
}

export interface LedgerLog {
  readonly entries: Expense[];
  /** Positions in `entries` of each expense id's versions, ascending. */
  readonly positions: Map<string, number[]>;
  /** Entries copied into this log and the logs it was forked from: the work beyond appending. */
  readonly copied: number;
}

const newLog = (entries: Expense[], copied: number): LedgerLog => {
  const positions = new Map<string, number[]>();
  for (const [position, expense] of entries.entries()) {
    const list = positions.get(expense.expenseId);
    if (list === undefined) positions.set(expense.expenseId, [position]);
    else list.push(position);
  }
  return { entries, positions, copied };
};

export const emptyLedger = (): ExpenseLedger => ({ log: newLog([], 0), size: 0 });

/** The expense as this ledger sees it: its latest version within the ledger's size. */
export const expenseIn = (ledger: ExpenseLedger, expenseId: string): Expense | undefined => {
  const positions = ledger.log.positions.get(expenseId);
  if (positions === undefined) return undefined;
  // Versions are appended in order, so the newest visible one is found from the end.
  for (let index = positions.length - 1; index >= 0; index -= 1) {
    const position = positions[index]!;
    if (position < ledger.size) return ledger.log.entries[position];
  }
  return undefined;
};

/** A ledger with `expense` recorded (a new claim, or a claim's new status); `ledger` itself is unchanged. */
export const recordExpense = (ledger: ExpenseLedger, expense: Expense): ExpenseLedger => {
  const log = ledger.size === ledger.log.entries.length ? ledger.log : newLog(ledger.log.entries.slice(0, ledger.size), ledger.log.copied + ledger.size);
  log.entries.push(expense);
  const positions = log.positions.get(expense.expenseId);
  if (positions === undefined) log.positions.set(expense.expenseId, [log.entries.length - 1]);
  else positions.push(log.entries.length - 1);
  return { log, size: log.entries.length };
};

/** Every claim in the ledger, in the order first claimed, each as it now stands. */
export const expensesIn = (ledger: ExpenseLedger): Expense[] => {
  const result: Expense[] = [];
  for (const expenseId of ledger.log.positions.keys()) {
    const expense = expenseIn(ledger, expenseId);
    if (expense !== undefined) result.push(expense);
  }
  return result;
};

/**
 * The work a ledger cost beyond one append per recorded version: entries copied when a branch was
 * forked. Zero for a ledger built by one linear fold, whatever its size.
 */
export const ledgerWork = (ledger: ExpenseLedger): { readonly entries: number; readonly copied: number } => ({
  entries: ledger.size,
  copied: ledger.log.copied,
});
