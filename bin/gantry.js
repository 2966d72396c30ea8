#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so a checkout works without a compile step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
