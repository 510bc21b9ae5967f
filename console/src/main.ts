// Entry point: the layout (navigation bar) and a hash router mapping #/page/... to a page module.
import './style.css';
import { currentCredentials, signOut } from './api/session';
import { h, replace, notice } from './lib/dom';
import { renderSignIn } from './pages/signin';
import { renderObjects } from './pages/objects';
import { renderDashboard } from './pages/dashboard';
import { renderDataSourceWizard } from './pages/datasource_wizard';
import { renderDataSource } from './pages/datasource';
import { renderModelWizard } from './pages/model_wizard';
import { renderModel } from './pages/model';
import { renderEvaluation } from './pages/evaluation';
import { renderBatchWizard, renderBatchPrediction } from './pages/batch';
import { renderRealtime } from './pages/realtime';

/** What a page gets: where to draw, the path segments after its name, and the query. */
export interface PageContext {
  root: HTMLElement;
  segments: string[];
  query: URLSearchParams;
}

/** A page draws itself and may return a function that stops its timers when the user leaves. */
export type Page = (context: PageContext) => void | (() => void) | Promise<void | (() => void)>;

const kNav: [string, string][] = [
  ['#/dashboard', 'Dashboard'],
  ['#/objects', 'Objects'],
  ['#/datasources/new', 'New datasource'],
  ['#/models/new', 'New model'],
  ['#/batch/new', 'Batch prediction'],
  ['#/predict', 'Real-time'],
];

function route(segments: string[]): Page {
  const [first, second] = segments;
  switch (first) {
    case 'objects': return renderObjects;
    case 'datasources': return second === 'new' ? renderDataSourceWizard : renderDataSource;
    case 'models': return second === 'new' ? renderModelWizard : renderModel;
    case 'evaluations': return renderEvaluation;
    case 'batch': return second === 'new' ? renderBatchWizard : renderBatchPrediction;
    case 'predict': return renderRealtime;
    default: return renderDashboard;
  }
}

let dispose: (() => void) | null = null;

function renderHeader(active: string): void {
  const header = document.getElementById('top')!;
  const credentials = currentCredentials();
  replace(header,
    h('nav', { class: 'topnav', 'aria-label': 'Main' },
      h('a', { class: 'brand', href: '#/dashboard' }, 'openaml'),
      credentials ? h('ul', null, kNav.map(([href, label]) =>
        h('li', null, h('a', { href, 'aria-current': active === href.slice(2).split('/')[0] ? 'page' : null }, label)))) : null,
      credentials ? h('span', { class: 'who' }, credentials.accessKeyId,
        h('button', { class: 'link', type: 'button', onclick: () => { signOut(); location.hash = '#/signin'; } }, 'Sign out'))
        : null));
}

async function render(): Promise<void> {
  if (dispose) {
    dispose();
    dispose = null;
  }
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, queryString] = hash.split('?');
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const main = document.getElementById('main')!;
  const signedIn = currentCredentials() !== null;
  let page: Page;
  if (!signedIn || segments[0] === 'signin') {
    page = renderSignIn;
    renderHeader('signin');
  } else {
    page = route(segments);
    renderHeader(segments[0] ?? 'dashboard');
  }
  replace(main);
  const context: PageContext = { root: main, segments, query: new URLSearchParams(queryString ?? '') };
  try {
    const result = await page(context);
    if (typeof result === 'function') dispose = result;
  } catch (e) {
    main.appendChild(notice('error', `This page failed: ${(e as Error).message}`));
  }
}

window.addEventListener('hashchange', () => void render());
void render();
