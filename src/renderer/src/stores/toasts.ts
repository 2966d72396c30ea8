import { create } from 'zustand';
import { describeError } from '../api/client';

export interface Toast {
  id: number;
  kind: 'error' | 'success' | 'info';
  message: string;
  /** The request field the API named, shown so the user knows what to fix. */
  field?: string;
}

interface ToastStore {
  toasts: Toast[];
  push(toast: Omit<Toast, 'id'>): number;
  dismiss(id: number): void;
}

let nextId = 1;

export const useToasts = create<ToastStore>((set) => ({
  toasts: [],
  push(toast) {
    const id = nextId++;
    set((s) => ({ toasts: [...s.toasts.slice(-4), { ...toast, id }] }));
    // Errors stay until read and dismissed; confirmations fade on their own.
    if (toast.kind !== 'error') setTimeout(() => useToasts.getState().dismiss(id), 5000);
    return id;
  },
  dismiss(id) {
    set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
  },
}));

export function toastError(error: unknown, prefix?: string): void {
  const { message, field } = describeError(error);
  useToasts.getState().push({ kind: 'error', message: prefix ? `${prefix}: ${message}` : message, field });
}

export function toastSuccess(message: string): void {
  useToasts.getState().push({ kind: 'success', message });
}
