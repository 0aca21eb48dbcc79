// Compiles every <sourceDir>/*.sol with the pinned solc from <toolsDir>/node_modules and writes
// <outDir>/<ContractName>.json as {"abi": [...], "bytecode": "0x...", "deployedBytecode": "0x..."}.
// Usage: node compile.mjs <toolsDir> <sourceDir> <outDir>
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [toolsDir, sourceDir, outDir] = process.argv.slice(2);
if (!toolsDir || !sourceDir || !outDir) {
  console.error('usage: node compile.mjs <toolsDir> <sourceDir> <outDir>');
  process.exit(2);
}

const solc = createRequire(join(toolsDir, 'package.json'))('solc');

const files = readdirSync(sourceDir).filter((f) => f.endsWith('.sol')).sort();
if (files.length === 0) {
  console.error(`[compile] no .sol files in ${sourceDir}`);
  process.exit(1);
}

const input = {
  language: 'Solidity',
  sources: Object.fromEntries(files.map((f) => [f, { content: readFileSync(join(sourceDir, f), 'utf8') }])),
  settings: {
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input)));
const diagnostics = output.errors ?? [];
for (const d of diagnostics) {
  console.error(d.formattedMessage ?? d.message);
}
if (diagnostics.some((d) => d.severity === 'error')) {
  process.exit(1);
}

mkdirSync(outDir, { recursive: true });
const written = new Map();
for (const [file, contracts] of Object.entries(output.contracts)) {
  for (const [name, contract] of Object.entries(contracts)) {
    if (written.has(name)) {
      console.error(`[compile] contract ${name} is defined in both ${written.get(name)} and ${file}`);
      process.exit(1);
    }
    written.set(name, file);
    const artifact = {
      abi: contract.abi,
      bytecode: `0x${contract.evm.bytecode.object}`,
      deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
    };
    writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(artifact, null, 2)}\n`);
  }
}
console.log(`[compile] solc ${solc.version()}: ${[...written.keys()].join(', ')} -> ${outDir}`);
