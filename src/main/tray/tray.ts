import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import { trayMenuModel, trayTooltip, type TrayAction, type TrayState } from './trayMenuModel';

export interface AppTray {
  /** Re-reads the state; calls within `refreshMs` of each other are coalesced. */
  refresh(): void;
  destroy(): void;
}

export function createAppTray(options: { icon: string; state: () => TrayState; onAction: (action: TrayAction) => void; refreshMs?: number }): AppTray {
  const image = nativeImage.createFromPath(options.icon);
  image.setTemplateImage(true);
  const tray = new Tray(image);
  let timer: NodeJS.Timeout | undefined;

  const render = () => {
    timer = undefined;
    const state = options.state();
    tray.setToolTip(trayTooltip(state.counts));
    const template = trayMenuModel(state).map((item): MenuItemConstructorOptions => {
      if (item.kind === 'separator') return { type: 'separator' };
      if (item.kind === 'label') return { label: item.label, enabled: false };
      return { label: item.label, enabled: item.enabled, click: () => options.onAction(item.action) };
    });
    tray.setContextMenu(Menu.buildFromTemplate(template));
  };
  render();
  // Linux shows the menu on click; Windows and macOS open the app on click, the menu on right-click.
  tray.on('click', () => options.onAction('open'));

  return {
    refresh() {
      timer ??= setTimeout(render, options.refreshMs ?? 1000);
    },
    destroy() {
      clearTimeout(timer);
      tray.destroy();
    },
  };
}
