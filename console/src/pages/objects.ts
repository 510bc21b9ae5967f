// Object store browser: buckets, "folders" (prefixes), objects with size and time; create/delete a bucket;
// upload by file picker or drag and drop with a progress bar (multipart for large files); download; delete.
import { ApiError } from '../api/ml';
import * as s3 from '../api/s3';
import { h, field, notice, replace } from '../lib/dom';
import { formatBytes } from '../lib/format';
import type { PageContext } from '../main';

function hashFor(bucket: string, prefix = ''): string {
  const parts = [bucket, ...prefix.split('/').filter(Boolean)].map(encodeURIComponent);
  return `#/objects/${parts.join('/')}`;
}

export async function renderObjects({ root, segments }: PageContext): Promise<void> {
  const bucket = segments[1];
  if (!bucket) return renderBuckets(root);
  const rest = segments.slice(2);
  const prefix = rest.length ? `${rest.join('/')}/` : '';
  return renderFolder(root, bucket, prefix);
}

async function renderBuckets(root: HTMLElement): Promise<void> {
  const status = h('div', { 'aria-live': 'polite' });
  const list = h('div');
  const name = h('input', { name: 'bucket', required: true, pattern: '[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]',
                            placeholder: 'my-bucket' });
  const form = h('form', { class: 'inline-form' }, field('New bucket', name), h('button', { type: 'submit' }, 'Create bucket'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await s3.createBucket(name.value.trim());
      name.value = '';
      await load();
    } catch (err) {
      replace(status, notice('error', `Could not create the bucket: ${(err as Error).message}`));
    }
  });
  replace(root, h('h1', null, 'Object store'), form, status, list);

  async function load(): Promise<void> {
    try {
      const buckets = await s3.listBuckets();
      replace(list, buckets.length === 0 ? h('p', null, 'No buckets yet: create one above.') :
        h('div', { class: 'table-wrap' }, h('table', null,
          h('thead', null, h('tr', null, h('th', null, 'Bucket'), h('th', null, 'Created'), h('th', null, ''))),
          h('tbody', null, buckets.map((b) => h('tr', null,
            h('td', null, h('a', { href: hashFor(b.name) }, b.name)),
            h('td', null, b.created ? new Date(b.created).toLocaleString() : ''),
            h('td', null, h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete bucket ${b.name}`,
              onclick: async () => {
                if (!confirm(`Delete the bucket ${b.name}? It must be empty.`)) return;
                try {
                  await s3.deleteBucket(b.name);
                  await load();
                } catch (err) {
                  replace(status, notice('error', `Could not delete: ${(err as Error).message}`));
                }
              } }, 'Delete'))))))));
    } catch (err) {
      replace(list, notice('error', `Could not list buckets: ${(err as ApiError).message}`));
    }
  }
  await load();
}

async function renderFolder(root: HTMLElement, bucket: string, prefix: string): Promise<void> {
  const crumbs: HTMLElement[] = [h('a', { href: '#/objects' }, 'Buckets'), h('span', null, ' / '),
    h('a', { href: hashFor(bucket) }, bucket)];
  let acc = '';
  for (const part of prefix.split('/').filter(Boolean)) {
    acc += `${part}/`;
    crumbs.push(h('span', null, ' / '), h('a', { href: hashFor(bucket, acc) }, part));
  }
  const status = h('div', { 'aria-live': 'polite' });
  const uploads = h('div', { class: 'uploads' });
  const list = h('div');
  const picker = h('input', { type: 'file', multiple: true, id: 'upload-input', class: 'visually-hidden' });
  const drop = h('div', { class: 'dropzone', tabindex: '0', role: 'button',
                          'aria-label': 'Upload files: press Enter to choose, or drop files here' },
    h('strong', null, 'Drop files here'), ' or ', h('label', { for: 'upload-input', class: 'link' }, 'choose files'),
    h('div', { class: 'hint' }, `Uploaded to s3://${bucket}/${prefix}. Files from ${formatBytes(s3.kMultipartThreshold)} go in ${formatBytes(s3.kPartSize)} parts (multipart).`));
  drop.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      picker.click();
    }
  });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer?.files) void uploadAll(Array.from(e.dataTransfer.files));
  });
  picker.addEventListener('change', () => {
    if (picker.files) void uploadAll(Array.from(picker.files));
    picker.value = '';
  });
  const folderName = h('input', { name: 'folder', placeholder: 'folder name' });
  const folderForm = h('form', { class: 'inline-form' }, field('New folder', folderName),
    h('button', { type: 'submit' }, 'Open folder'));
  folderForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = folderName.value.trim().replace(/^\/+|\/+$/g, '');
    if (name) location.hash = hashFor(bucket, `${prefix}${name}/`);
  });

  replace(root, h('h1', null, 'Object store'), h('nav', { class: 'crumbs', 'aria-label': 'Path' }, crumbs),
    h('div', { class: 'toolbar' },
      h('a', { class: 'button', href: `#/datasources/new?location=${encodeURIComponent(`s3://${bucket}/${prefix}`)}` },
        'Create datasource from this folder')),
    drop, picker, folderForm, uploads, status, list);

  async function uploadAll(files: File[]): Promise<void> {
    for (const file of files) {
      const bar = h('progress', { max: '100', value: '0', 'aria-label': `Upload of ${file.name}` });
      const label = h('span', null, '0%');
      const row = h('div', { class: 'upload-row' }, h('span', { class: 'upload-name' }, file.name), bar, label);
      uploads.appendChild(row);
      try {
        await s3.uploadFile(bucket, `${prefix}${file.name}`, file, (sent, total) => {
          const pct = total > 0 ? Math.round((sent / total) * 100) : 100;
          bar.value = pct;
          label.textContent = `${pct}% of ${formatBytes(total)}`;
        });
        label.textContent = `done (${formatBytes(file.size)})`;
        row.classList.add('done');
      } catch (err) {
        label.textContent = `failed: ${(err as Error).message}`;
        row.classList.add('failed');
      }
    }
    await load();
  }

  async function load(): Promise<void> {
    try {
      const listing = await s3.listObjects(bucket, prefix);
      const rows: HTMLElement[] = [];
      for (const p of listing.prefixes) {
        const name = p.slice(prefix.length);
        rows.push(h('tr', null,
          h('td', null, h('a', { href: hashFor(bucket, p) }, `📁 ${name}`)), h('td', null, ''), h('td', null, ''),
          h('td', { class: 'row-actions' },
            h('a', { class: 'button small', href: `#/datasources/new?location=${encodeURIComponent(`s3://${bucket}/${p}`)}` },
              'Create datasource'))));
      }
      for (const o of listing.objects) {
        if (o.key === prefix) continue;  // a folder marker
        const name = o.key.slice(prefix.length);
        const download = h('button', { type: 'button', class: 'small', 'aria-label': `Download ${name}`,
          onclick: async () => {
            const a = h('a', { href: await s3.presignedGetUrl(bucket, o.key), download: name.split('/').pop() });
            document.body.appendChild(a);
            a.click();
            a.remove();
          } }, 'Download');
        const remove = h('button', { type: 'button', class: 'small danger', 'aria-label': `Delete ${name}`,
          onclick: async () => {
            if (!confirm(`Delete s3://${bucket}/${o.key}?`)) return;
            try {
              await s3.deleteObject(bucket, o.key);
              await load();
            } catch (err) {
              replace(status, notice('error', `Could not delete: ${(err as Error).message}`));
            }
          } }, 'Delete');
        rows.push(h('tr', { 'data-key': o.key },
          h('td', null, name), h('td', { class: 'num' }, formatBytes(o.size)),
          h('td', null, o.lastModified ? new Date(o.lastModified).toLocaleString() : ''),
          h('td', { class: 'row-actions' },
            h('a', { class: 'button small', href: `#/datasources/new?location=${encodeURIComponent(`s3://${bucket}/${o.key}`)}` },
              'Create datasource'), download, remove)));
      }
      replace(list, rows.length === 0 ? h('p', null, 'This folder is empty.') :
        h('div', { class: 'table-wrap' }, h('table', { class: 'objects' },
          h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'Size'), h('th', null, 'Last modified'),
            h('th', null, 'Actions'))),
          h('tbody', null, rows))));
    } catch (err) {
      replace(list, notice('error', `Could not list s3://${bucket}/${prefix}: ${(err as Error).message}`));
    }
  }
  await load();
}
