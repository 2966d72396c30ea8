/** IPC channel names shared by the preload (which calls them) and src/main (which answers). */
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
