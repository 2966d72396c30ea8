import { BrowserWindow, dialog, ipcMain, shell, type OpenDialogOptions } from 'electron';
import { isAbsolute } from 'node:path';
import { FileDialogOptionsSchema, IPC, RevealPathSchema, type FileDialogOptions } from '../../shared';
import type { IpcEvent, SenderGuard } from './trustedSender';

function dialogOptions(options: FileDialogOptions): OpenDialogOptions {
  const properties: OpenDialogOptions['properties'] = [options.directory ? 'openDirectory' : 'openFile'];
  if (options.multiple) properties.push('multiSelections');
  if (options.showHidden) properties.push('showHiddenFiles');
  return { title: options.title, defaultPath: options.defaultPath, filters: options.filters, properties };
}

async function openFileDialog(event: IpcEvent, raw: unknown): Promise<string[]> {
  const options = dialogOptions(FileDialogOptionsSchema.parse(raw));
  const window = BrowserWindow.fromWebContents(event.sender);
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled ? [] : result.filePaths;
}

const AbsolutePath = RevealPathSchema.refine(isAbsolute, 'path must be absolute');

/** Native file dialogs and "show in folder": the only file-system reach the renderer has. */
export function registerDialogChannels(guard: SenderGuard): () => void {
  ipcMain.handle(IPC.openFileDialog, (event, raw: unknown) => {
    guard(event);
    return openFileDialog(event, raw);
  });
  ipcMain.handle(IPC.revealInFolder, (event, raw: unknown) => {
    guard(event);
    shell.showItemInFolder(AbsolutePath.parse(raw));
  });
  return () => {
    ipcMain.removeHandler(IPC.openFileDialog);
    ipcMain.removeHandler(IPC.revealInFolder);
  };
}
