import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandLine, parseProbe } from '../../../src/provision';

describe('commandLine', () => {
  it('quotes every word so sh reads back exactly the argv, whatever it contains', () => {
    const argv = ['printf', '%s\\n', "it's", '$(rm -rf ~)', '`id`', 'a b', '', ';|&><*?', '\n'];
    const out = execFileSync('sh', ['-c', commandLine(argv)]).toString();
    expect(out.split('\n').slice(0, -1)).toEqual(argv.slice(2).flatMap((a) => (a === '\n' ? ['', ''] : [a])));
  });
});

describe('parseProbe', () => {
  it('reads facts and nvidia-smi GPUs, leaving unknowns null', () => {
    const probe = parseProbe(
      ['home=/home/ada', 'os=Linux', 'arch=x86_64', 'cpus=64', 'mem_kb=527958016', 'node=v20.11.1', 'disk_kb=1048576', 'systemd=1',
        'gpu=0, NVIDIA H100 80GB HBM3, 81559', 'gpu=1, NVIDIA H100 80GB HBM3, [N/A]'].join('\n'),
    );
    expect(probe).toEqual({
      home: '/home/ada', os: 'Linux', arch: 'x86_64', cpus: 64, memory_mb: 515584, node_version: 'v20.11.1', disk_free_mb: 1024, systemd_user: true,
      gpus: [{ index: 0, model: 'NVIDIA H100 80GB HBM3', memory_total_mb: 81559 }, { index: 1, model: 'NVIDIA H100 80GB HBM3', memory_total_mb: null }],
    });
  });

  it('says there is no node when the host has none', () => {
    expect(parseProbe('home=/root\nos=Linux\nnode=\ncpus=\n')).toMatchObject({ node_version: null, cpus: null, gpus: [] });
  });
});
