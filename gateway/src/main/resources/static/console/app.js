// NeuroPipe console: plain browser JavaScript, no build step. Talks to the gateway's REST API with the
// key from the page (X-API-Key) and reads job events as Server-Sent Events over fetch (so the key can go
// in a header, which EventSource cannot send).
'use strict';

const $ = (s) => document.querySelector(s);
const state = { key: localStorage.getItem('neuropipe.key') || '', pipelines: [], index: null, job: null, chunks: [] };

function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (state.key) h['X-API-Key'] = state.key;
  return h;
}

async function api(path, options) {
  const opts = Object.assign({}, options || {});
  opts.headers = headers(opts.headers);
  const r = await fetch(path, opts);
  if (!r.ok) {
    let p = {};
    try { p = await r.json(); } catch (e) { p = { detail: r.statusText }; }
    throw new Error((p.title || p.error || r.status) + (p.detail ? ': ' + p.detail : '') + (p.field ? ' (' + p.field + ')' : ''));
  }
  return r;
}

function showError(e) { $('#error').textContent = e ? String(e.message || e) : ''; }

async function load() {
  showError(null);
  try {
    state.pipelines = (await (await api('/v1/pipelines')).json()).pipelines;
    const select = $('#pipeline');
    select.innerHTML = '';
    for (const p of state.pipelines) select.add(new Option(p.name, p.name));
    if (state.pipelines.some((p) => p.name === 'brain-decode-all')) select.value = 'brain-decode-all';
    try { state.index = await (await api('/v1/samples')).json(); } catch (e) { state.index = null; }
    pipelineChanged();
  } catch (e) {
    showError(e);
  }
}

function pipeline() { return state.pipelines.find((p) => p.name === $('#pipeline').value); }

function pipelineChanged() {
  const p = pipeline();
  if (!p) return;
  $('#pipeline-description').textContent = p.description || '';
  const kinds = Object.values(p.inputs).map((i) => i.kind);
  const sample = $('#sample');
  sample.innerHTML = '';
  sample.add(new Option('(none)', ''));
  const idx = state.index;
  if (idx && kinds.includes('tensor')) {
    for (const e of idx.eeg || []) sample.add(new Option('EEG ' + e.subject_name + ' (' + e.shape[0] + ' trials)', 'eeg:' + e.file));
  }
  if (idx && kinds.includes('image')) {
    for (const s of idx.stimuli || []) sample.add(new Option('image ' + s.file + ': ' + s.caption, 'img:' + s.file));
  }
  if (sample.options.length > 1) sample.selectedIndex = 1;
}

function parseNpy(buffer) {
  const b = new Uint8Array(buffer);
  if (b[0] !== 0x93 || String.fromCharCode(...b.slice(1, 6)) !== 'NUMPY') throw new Error('Not a .npy file');
  const dv = new DataView(buffer);
  const major = b[6];
  const length = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const offset = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(b.slice(offset, offset + length));
  const descr = /'descr':\s*'([^']*)'/.exec(header)[1];
  if (descr !== '<f4') throw new Error('The console reads float32 .npy files (this one is ' + descr + ')');
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  return { shape, data: new Float32Array(buffer.slice(offset + length)) };
}

function trialTensor(npy, trial) {
  let { shape, data } = npy;
  if (shape.length === 3) {
    if (trial < 0 || trial >= shape[0]) throw new Error('Trial must be 0..' + (shape[0] - 1));
    const n = shape[1] * shape[2];
    data = data.subarray(trial * n, (trial + 1) * n);
    shape = shape.slice(1);
  }
  return { datatype: 'FP32', shape, data: Array.from(data) };
}

function base64(buffer) {
  const bytes = new Uint8Array(buffer);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function inputName(p, kind) { return Object.keys(p.inputs).find((n) => p.inputs[n].kind === kind); }

async function buildRequest(p) {
  const inputs = {};
  const trial = Number($('#trial').value || 0);
  const file = $('#file').files[0];
  const prompt = $('#prompt').value.trim();
  const textInput = inputName(p, 'text');
  if (prompt && textInput) inputs[textInput] = prompt;
  if (file) {
    const buffer = await file.arrayBuffer();
    if (/\.npy$/i.test(file.name)) {
      inputs[inputName(p, 'tensor')] = trialTensor(parseNpy(buffer), trial);
    } else if (/\.(png|jpe?g)$/i.test(file.name) && inputName(p, 'image')) {
      inputs[inputName(p, 'image')] = { contentType: /\.png$/i.test(file.name) ? 'image/png' : 'image/jpeg', base64: base64(buffer) };
      showStimulus(URL.createObjectURL(file), file.name);
    } else {
      const form = new FormData();
      form.append('request', JSON.stringify({ pipeline: p.name, inputs }));
      form.append(inputName(p, 'tensor') || inputName(p, 'image'), file, file.name);
      return form;
    }
    return { pipeline: p.name, inputs };
  }
  const sample = $('#sample').value;
  if (sample.startsWith('eeg:')) {
    const name = sample.slice(4);
    const npy = parseNpy(await (await api('/v1/samples/' + encodeURIComponent(name))).arrayBuffer());
    inputs[inputName(p, 'tensor')] = trialTensor(npy, trial);
    const entry = (state.index.eeg || []).find((e) => e.file === name);
    const stim = entry && state.index.stimuli.find((s) => s.id === entry.stimulus_ids[trial]);
    if (stim) showStimulus(await sampleUrl(stim.file), 'seen: ' + stim.caption);
  } else if (sample.startsWith('img:')) {
    const buffer = await (await api('/v1/samples/' + encodeURIComponent(sample.slice(4)))).arrayBuffer();
    inputs[inputName(p, 'image')] = { contentType: 'image/png', base64: base64(buffer) };
    showStimulus(URL.createObjectURL(new Blob([buffer], { type: 'image/png' })), sample.slice(4));
  } else if (!Object.keys(inputs).length) {
    throw new Error('Pick a sample or a file');
  }
  return { pipeline: p.name, inputs };
}

async function sampleUrl(file) {
  return URL.createObjectURL(await (await api('/v1/samples/' + encodeURIComponent(file))).blob());
}

function showStimulus(url, caption) {
  $('#stimulus').src = url;
  $('#stimulus-caption').textContent = caption;
  $('#stimulus-figure').hidden = false;
}

function routeSteps(node, out) {
  out.push(node);
  for (const n of node.next || []) routeSteps(n, out);
  return out;
}

function resetJob(p) {
  $('#job-id').textContent = '';
  setStatus('');
  $('#caption').textContent = '';
  $('#image-figure').hidden = true;
  $('#image').removeAttribute('src');
  $('#stimulus-figure').hidden = true;
  $('#retrieval').hidden = true;
  $('#retrieval').innerHTML = '';
  $('#provenance tbody').innerHTML = '';
  state.chunks = [];
  const stages = $('#stages');
  stages.innerHTML = '';
  for (const n of routeSteps(p.route, [])) {
    const li = document.createElement('li');
    li.dataset.step = n.id;
    li.dataset.status = 'PENDING';
    li.textContent = n.id + ': PENDING';
    stages.appendChild(li);
  }
}

function setStatus(s) {
  $('#job-status').textContent = s;
  $('#job-status').dataset.status = s;
}

async function run() {
  showError(null);
  const p = pipeline();
  if (!p) return;
  resetJob(p);
  try {
    const body = await buildRequest(p);
    const opts = body instanceof FormData ? { method: 'POST', body }
      : { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } };
    const job = await (await api('/v1/jobs', opts)).json();
    state.job = job.id;
    $('#job-id').textContent = job.id;
    setStatus(job.status);
    await follow(job.id);
  } catch (e) {
    showError(e);
  }
}

async function follow(id) {
  const r = await api('/v1/jobs/' + id + '/events', { headers: { Accept: 'text/event-stream' } });
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = { name: 'message', data: [] };
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event.name = line.slice(6).trim();
        else if (line.startsWith('data:')) event.data.push(line.slice(5));
      }
      if (event.data.length && state.job === id) await onEvent(id, event.name, JSON.parse(event.data.join('\n')));
    }
  }
}

async function onEvent(id, name, data) {
  if (name === 'step') {
    const li = document.querySelector('#stages li[data-step="' + CSS.escape(data.id) + '"]');
    if (li) {
      li.dataset.status = data.status;
      li.textContent = data.id + ': ' + data.status + (data.timing ? ' (' + (data.timing.totalUs / 1000).toFixed(1) + ' ms)' : '');
    }
    if (data.status === 'STARTED') setStatus('RUNNING');
    if (data.status === 'DONE') {
      addProvenance(data);
      if (data.step === 'generate') await showImage('/v1/jobs/' + id + '/artifacts/image');
    }
  } else if (name === 'chunk') {
    state.chunks[data.index] = data.text;
    $('#caption').textContent = state.chunks.join('');
  } else if (name === 'job') {
    setStatus(data.status);
    if (data.error) showError(new Error(data.error.code + ': ' + data.error.message));
    const results = data.results || {};
    for (const [key, value] of Object.entries(results)) {
      if (key === 'retrieval') showRetrieval(value);
      if (key === 'retrieval' || key === 'retrieved' || key === 'retrieval_scores') continue;
      if (typeof value === 'string') $('#caption').textContent = value;
      else if (value && value.base64 && !$('#image').getAttribute('src')) {
        $('#image').src = 'data:' + value.contentType + ';base64,' + value.base64;
        $('#image-figure').hidden = false;
      }
    }
    $('#provenance tbody').innerHTML = '';
    for (const s of data.steps || []) if (s.status === 'DONE') addProvenance(s);
  }
}

// the retrieve step's hits: thumbnail (fetched with the API key), label and cosine score
async function showRetrieval(json) {
  let result;
  try {
    result = JSON.parse(json);
  } catch (e) {
    return;
  }
  const list = $('#retrieval');
  list.innerHTML = '';
  list.hidden = false;
  for (const hit of result.hits || []) {
    const figure = document.createElement('figure');
    const img = document.createElement('img');
    img.alt = hit.label;
    const caption = document.createElement('figcaption');
    caption.textContent = hit.rank + '. ' + hit.label + ' (' + Number(hit.score).toFixed(3) + ')';
    figure.append(img, caption);
    list.append(figure);
    try {
      img.src = URL.createObjectURL(await (await api(hit.thumbnail)).blob());
    } catch (e) {
      // the label and score still show
    }
  }
}

async function showImage(path) {
  try {
    const blob = await (await api(path)).blob();
    $('#image').src = URL.createObjectURL(blob);
    $('#image-figure').hidden = false;
  } catch (e) {
    // the final event carries the image too
  }
}

function addProvenance(step) {
  const tr = document.createElement('tr');
  tr.dataset.step = step.id;
  const p = step.provenance || {};
  const models = (p.models || []).map((m) => m.name + '/' + m.version + (m.sha256 ? ' ' + m.sha256.slice(0, 12) : '')).join(', ');
  const params = Object.entries(p.parameters || {}).map(([k, v]) => k + '=' + v);
  if (p.keptTokenRatio != null) params.unshift('kept=' + p.keptTokenRatio);
  const t = step.timing || {};
  for (const text of [step.id, step.service || '', models, params.join(' '),
    t.inferenceUs != null ? (t.inferenceUs / 1000).toFixed(1) + ' ms' : '', t.totalUs != null ? (t.totalUs / 1000).toFixed(1) + ' ms' : '']) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.appendChild(td);
  }
  const old = document.querySelector('#provenance tr[data-step="' + CSS.escape(step.id) + '"]');
  if (old) old.replaceWith(tr); else $('#provenance tbody').appendChild(tr);
}

document.addEventListener('DOMContentLoaded', () => {
  $('#api-key').value = state.key;
  $('#api-key').addEventListener('change', () => {
    state.key = $('#api-key').value.trim();
    localStorage.setItem('neuropipe.key', state.key);
    load();
  });
  $('#pipeline').addEventListener('change', pipelineChanged);
  $('#run').addEventListener('click', run);
  load();
});
