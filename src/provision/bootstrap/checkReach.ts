import type { Client } from 'ssh2';
import { execRemote } from '../ssh/remoteExec';
import { commandLine } from '../ssh/shellQuote';

/** Runs on the host with its node: exit 0 when the coordinator's health route answers ok within 3 s. */
const HEALTH_PROBE = `const h=require('http');const r=h.get(process.argv[1]+'/api/v1/health',{timeout:3000},(s)=>{let b='';s.on('data',(d)=>{b+=d});s.on('end',()=>process.exit(s.statusCode===200&&b.includes('"ok":true')?0:1))});r.on('error',()=>process.exit(1));r.on('timeout',()=>{r.destroy();process.exit(1)})`;

/** Whether the host can open the coordinator's URL itself; if not, the agent goes through a reverse tunnel. */
export async function hostReachesCoordinator(client: Client, node: string, url: string): Promise<boolean> {
  const result = await execRemote(client, commandLine([node, '-e', HEALTH_PROBE, url]), 10_000);
  return result.code === 0;
}
