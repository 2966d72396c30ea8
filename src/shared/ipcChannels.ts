/**
 * The desktop shell's IPC channels: the preload calls them, src/main answers. Apart from the
 * payload schemas (ipc.ts) so the sandboxed preload's bundle carries names, not zod.
 */
export const IPC = {
  config: 'gantry:config',
  openFileDialog: 'gantry:open-file-dialog',
  revealInFolder: 'gantry:reveal-in-folder',
  notify: 'gantry:notify',
  navigate: 'gantry:navigate',
  terminalOpen: 'gantry:terminal:open',
  terminalWrite: 'gantry:terminal:write',
  terminalResize: 'gantry:terminal:resize',
  terminalClose: 'gantry:terminal:close',
  terminalData: 'gantry:terminal:data',
  terminalExit: 'gantry:terminal:exit',
} as const;
