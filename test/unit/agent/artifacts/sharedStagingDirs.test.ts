import { describe, expect, it } from 'vitest';
import { SharedStagingDirs } from '../../../../src/agent/artifacts/sharedStagingDirs';

describe('SharedStagingDirs', () => {
  it('removes nothing while another job still uses the directory, then everything the group staged', () => {
    const dirs = new SharedStagingDirs();
    dirs.enter('/w');
    dirs.enter('/w');
    expect(dirs.leave('/w', ['/w/a'], false)).toEqual([]);
    expect(dirs.leave('/w', ['/w/b'], false)).toEqual(['/w/a', '/w/b']);
  });

  it('keeps directories apart', () => {
    const dirs = new SharedStagingDirs();
    dirs.enter('/w');
    dirs.enter('/v');
    expect(dirs.leave('/v', ['/v/a'], false)).toEqual(['/v/a']);
    expect(dirs.leave('/w', ['/w/a'], false)).toEqual(['/w/a']);
  });

  it('removes nothing of a group one of whose jobs kept its inputs', () => {
    const dirs = new SharedStagingDirs();
    dirs.enter('/w');
    dirs.enter('/w');
    expect(dirs.leave('/w', ['/w/a'], false)).toEqual([]);
    expect(dirs.leave('/w', [], true)).toEqual([]);
    dirs.enter('/w');
    expect(dirs.leave('/w', ['/w/c'], false)).toEqual(['/w/c']);
  });

  it('hands a staging that failed what the jobs before it left to remove', () => {
    const dirs = new SharedStagingDirs();
    dirs.enter('/w');
    dirs.enter('/w');
    expect(dirs.leave('/w', ['/w/a'], false)).toEqual([]);
    expect(dirs.leave('/w', [], false)).toEqual(['/w/a']);
  });
});
