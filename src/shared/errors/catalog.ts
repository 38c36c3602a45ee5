// The shape every domain's error table has: code → one line saying what the code means.
// The line is for docs/cli.md (`npm run docs:codes`); the operator's message, built where
// the error happens, says what is wrong in this case and what to do.
export type Catalog = Readonly<Record<string, string>>
