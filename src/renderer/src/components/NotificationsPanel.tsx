import { useEffect, useState, type FormEvent } from 'react';
import { NotifyFormat, NotifyOn, type NotifyDelivery, type NotifyRule } from '../../../shared';
import { api } from '../api/client';
import { formatAgo } from '../logic/format';
import { toastError, toastSuccess } from '../stores/toasts';

/** Settings › Notifications: webhook rules and the delivery log. */
export function NotificationsPanel() {
  const [rules, setRules] = useState<NotifyRule[]>([]);
  const [log, setLog] = useState<NotifyDelivery[]>([]);
  const [on, setOn] = useState<NotifyOn>('failure');
  const [format, setFormat] = useState<NotifyFormat>('json');
  const [project, setProject] = useState('');
  const [webhook, setWebhook] = useState('');
  const load = () => {
    api().call('listNotifyRules').then(setRules, (e) => toastError(e, 'Notification rules'));
    api().call('notifyLog', { query: { limit: 20 } }).then(setLog, (e) => toastError(e, 'Delivery log'));
  };
  useEffect(load, []);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api().call('addNotifyRule', { body: { on, format, webhook: webhook.trim(), project: project.trim() || null } });
      setWebhook('');
      toastSuccess('Rule added');
      load();
    } catch (error) {
      toastError(error, 'Notification rule');
    }
  };
  const remove = async (id: number) => {
    try {
      await api().call('removeNotifyRule', { params: { id } });
      load();
    } catch (error) {
      toastError(error, 'Notification rule');
    }
  };

  return (
    <div className="card" data-testid="notifications">
      <h2>Notifications</h2>
      <form onSubmit={add} style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginBottom: 12 }}>
        <select aria-label="On" value={on} onChange={(e) => setOn(e.target.value as NotifyOn)}>
          {NotifyOn.options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
        <input aria-label="Project" placeholder="project (all)" value={project} onChange={(e) => setProject(e.target.value)} style={{ width: 130 }} />
        <input aria-label="Webhook" placeholder="https://… webhook URL" value={webhook} onChange={(e) => setWebhook(e.target.value)} style={{ flex: 1, minWidth: 240 }} required />
        <select aria-label="Format" value={format} onChange={(e) => setFormat(e.target.value as NotifyFormat)}>
          {NotifyFormat.options.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
        <button type="submit">Add rule</button>
      </form>
      <table className="plain" data-testid="notify-rules">
        <tbody>
          {rules.map((r) => (
            <tr key={r.id}>
              <td>{r.on}</td>
              <td>{r.project ?? 'all projects'}</td>
              <td>{r.format}</td>
              <td className="mono">{r.webhook}</td>
              <td>
                <button className="small" onClick={() => remove(r.id)}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3 style={{ marginTop: 14 }}>
        Delivery log{' '}
        <button className="small" onClick={load}>
          Refresh
        </button>
      </h3>
      {log.length === 0 ? (
        <p className="subtle small">Nothing delivered yet.</p>
      ) : (
        <table className="plain" data-testid="notify-log">
          <tbody>
            {log.map((d) => (
              <tr key={d.id}>
                <td className="subtle">{formatAgo(d.created_at)}</td>
                <td>{d.title}</td>
                <td>
                  {d.state} ({d.attempts} {d.attempts === 1 ? 'try' : 'tries'})
                </td>
                <td className="subtle">{d.state === 'delivered' ? '' : (d.last_error ?? '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
