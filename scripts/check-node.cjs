// make's node-version check: the running Node.js must satisfy package.json's
// engines.node (">=X.Y.Z"), the version the pinned npm packages that make
// runs need (the CDK CLI, the SES emulator and their dependencies). Plain
// Node, no packages: it runs before npm ci.
const want = require("../package.json").engines.node;
const m = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(want || "");
if (!m) {
  console.error(`make: package.json engines.node must read >=X.Y.Z, not ${want}`);
  process.exit(1);
}
const have = process.versions.node.split(".").map(Number);
const need = m.slice(1).map(Number);
for (let i = 0; i < 3; i++) {
  if (have[i] > need[i]) break;
  if (have[i] < need[i]) {
    console.error(
      `make: Node.js ${process.versions.node} is too old: the pinned npm packages need Node.js ${want} ` +
        "(package.json engines.node). Install a newer Node.js and run make again.",
    );
    process.exit(1);
  }
}
