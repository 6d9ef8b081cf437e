// tsc compiles only .ts files; the simulator's data files are copied beside its compiled code.
import { cpSync } from 'node:fs';

cpSync('src/simulator/data', 'dist/simulator/data', { recursive: true });
