// Hybrid's workflow graph page: draws a workflow's graph from its ASL definition and colours each state by its status
// in a chosen execution, derived from the execution's history events. Vanilla JS and inline SVG; it talks only to this
// server's API and writes the DOM with textContent and attributes, never with HTML strings.
(function () {
  'use strict';

  var SVG = 'http://www.w3.org/2000/svg';
  var API = document.querySelector('meta[name="hybrid-api"]').getAttribute('content');

  // The Step Functions console's colours.
  var STATUS = {
    'succeeded': { fill: '#2e8540', text: '#ffffff', label: 'Succeeded' },
    'failed': { fill: '#d13212', text: '#ffffff', label: 'Failed' },
    'in-progress': { fill: '#0073bb', text: '#ffffff', label: 'In progress' },
    'caught-error': { fill: '#f89c1c', text: '#16191f', label: 'Caught error' },
    'cancelled': { fill: '#879196', text: '#ffffff', label: 'Cancelled' },
    'not-reached': { fill: '#d5dbdb', text: '#16191f', label: 'Not reached' },
    'none': { fill: '#ffffff', text: '#16191f', label: '' }
  };


  var NODE_W = 180, NODE_H = 46, H_GAP = 36, V_GAP = 58, PAD = 14, HEADER = 34, TERMINAL = 44, MARGIN = 24;

  var el = {
    workflow: document.getElementById('workflow'),
    execution: document.getElementById('execution'),
    refresh: document.getElementById('refresh'),
    token: document.getElementById('token'),
    message: document.getElementById('message'),
    canvas: document.getElementById('canvas'),
    summary: document.getElementById('summary'),
    details: document.getElementById('details')
  };

  var current = { workflow: null, definition: null, execution: null, statuses: null, poll: 0, states: {} };

  // ---- status from history -------------------------------------------------------------------------------------

  // Works through the events in order, keeping the states that were entered and have not exited. A failure event
  // (TaskFailed, ParallelStateFailed, ...) marks the innermost open state of its kind; an exit after a failure is a
  // caught error; whatever is still open when the execution ends failed (or was cancelled), and is in progress while
  // the execution runs.
  function deriveStatuses(events, executionStatus) {
    var open = [];
    var result = {};

    // When one state ran several times (a loop, Map iterations), a failure shows above all, then work in progress,
    // and otherwise the latest run.
    function settle(name, status) {
      var before = result[name];
      if (before === 'failed' || (before === 'in-progress' && status !== 'failed')) {
        return;
      }
      result[name] = status;
    }

    function lastOpen(kind, name) {
      for (var i = open.length - 1; i >= 0; i--) {
        if ((kind === null || open[i].kind === kind) && (name === null || open[i].name === name)) {
          return i;
        }
      }
      return -1;
    }

    // Closes everything opened after index `from` (the states of a finished Parallel or Map).
    function closeNested(from, otherwise) {
      while (open.length > from + 1) {
        var inner = open.pop();
        settle(inner.name, inner.failed || inner.kind === 'Fail' ? 'failed' : otherwise);
      }
    }

    function detailsOf(e) {
      for (var key in e) {
        if (Object.prototype.hasOwnProperty.call(e, key) && /EventDetails$/.test(key) && e[key] && typeof e[key] === 'object') {
          return e[key];
        }
      }
      return {};
    }

    var ended = null;
    events.forEach(function (e) {
      var type = String(e.type || '');
      var m;
      if ((m = /^(\w+?)StateEntered$/.exec(type))) {
        open.push({ name: detailsOf(e).name, kind: m[1], failed: false });
      } else if ((m = /^(\w+?)StateExited$/.exec(type))) {
        var at = lastOpen(null, detailsOf(e).name);
        if (at >= 0) {
          closeNested(at, 'cancelled');
          var state = open.pop();
          settle(state.name, state.failed ? 'caught-error' : 'succeeded');
        }
      } else if ((m = /^(Parallel|Map)State(Failed|Succeeded|Aborted)$/.exec(type))) {
        var container = lastOpen(m[1], null);
        if (container >= 0) {
          closeNested(container, 'cancelled');
          open[container].failed = m[2] !== 'Succeeded';
        }
      } else if (/^(Task|Activity|LambdaFunction)\w*(Failed|TimedOut)$/.test(type)) {
        var task = lastOpen('Task', null);
        if (task >= 0) {
          open[task].failed = true;
        }
      } else if (/^(Task|Activity|LambdaFunction)Succeeded$/.test(type)) {
        var retried = lastOpen('Task', null);
        if (retried >= 0) {
          open[retried].failed = false;
        }
      } else if ((m = /^Execution(Succeeded|Failed|TimedOut|Aborted)$/.exec(type))) {
        ended = m[1];
      }
    });

    var end = ended || { 'SUCCEEDED': 'Succeeded', 'FAILED': 'Failed', 'TIMED_OUT': 'TimedOut', 'ABORTED': 'Aborted' }[executionStatus] || null;
    open.forEach(function (state) {
      if (!end) {
        settle(state.name, state.failed && state.kind === 'Fail' ? 'failed' : 'in-progress');
      } else if (end === 'Aborted') {
        settle(state.name, state.failed || state.kind === 'Fail' ? 'failed' : 'cancelled');
      } else {
        settle(state.name, end === 'Succeeded' ? 'succeeded' : 'failed');
      }
    });
    return result;
  }

  // ---- layout ---------------------------------------------------------------------------------------------------

  function statesOf(machine) {
    return machine && machine.States && typeof machine.States === 'object' ? machine.States : {};
  }

  function ruleLabel(rule) {
    if (typeof rule.Condition === 'string') {
      return rule.Condition;
    }
    if (rule.And) { return 'And(' + rule.And.length + ')'; }
    if (rule.Or) { return 'Or(' + rule.Or.length + ')'; }
    if (rule.Not) { return 'Not(' + ruleLabel(rule.Not) + ')'; }
    for (var key in rule) {
      if (key !== 'Variable' && key !== 'Next' && key !== 'Comment' && key !== 'Assign' && key !== 'Output') {
        var value = rule[key];
        return (rule.Variable || '') + ' ' + key + ' ' + (typeof value === 'string' ? value : JSON.stringify(value));
      }
    }
    return 'rule';
  }

  function clip(text, max) {
    text = String(text);
    return text.length > max ? text.slice(0, max - 1) + '\u2026' : text;
  }

  function transitionsOf(name, state) {
    var out = [];
    if (state.Type === 'Choice') {
      (state.Choices || []).forEach(function (rule, i) {
        if (rule && rule.Next) { out.push({ from: name, to: rule.Next, kind: 'choice', label: clip(ruleLabel(rule), 30), title: 'Rule ' + (i + 1) }); }
      });
      if (state.Default) { out.push({ from: name, to: state.Default, kind: 'default', label: 'Default' }); }
    } else if (state.Next) {
      out.push({ from: name, to: state.Next, kind: 'next' });
    }
    (state.Catch || []).forEach(function (catcher) {
      if (catcher && catcher.Next) {
        out.push({ from: name, to: catcher.Next, kind: 'catch', label: clip('Catch ' + (catcher.ErrorEquals || []).join(', '), 30) });
      }
    });
    return out;
  }

  function isEnd(state) {
    return state.End === true || state.Type === 'Succeed' || state.Type === 'Fail';
  }

  // A machine (the top level, a Parallel branch, a Map processor) laid out in layers: each state sits one layer below
  // the nearest state that leads to it (breadth-first from StartAt), so loops do not stretch the graph. The states of a
  // layer share its top edge, so arrows into a layer stay in the gap above it.
  function layoutMachine(machine, top) {
    var states = statesOf(machine);
    var names = Object.keys(states);
    var layerOf = {};
    var order = [];
    var queue = [];
    if (machine && states[machine.StartAt]) {
      layerOf[machine.StartAt] = 0;
      queue.push(machine.StartAt);
    }
    while (queue.length) {
      var name = queue.shift();
      order.push(name);
      transitionsOf(name, states[name]).forEach(function (t) {
        if (states[t.to] && layerOf[t.to] === undefined) {
          layerOf[t.to] = layerOf[name] + 1;
          queue.push(t.to);
        }
      });
    }
    var deepest = order.length ? Math.max.apply(null, order.map(function (n) { return layerOf[n]; })) : -1;
    names.forEach(function (n) {
      if (layerOf[n] === undefined) {
        layerOf[n] = ++deepest;
        order.push(n);
      }
    });

    var nodes = {};
    var layers = [];
    order.forEach(function (n) {
      var node = sizeNode(n, states[n]);
      nodes[n] = node;
      (layers[layerOf[n]] = layers[layerOf[n]] || []).push(node);
    });

    var width = 0;
    layers.forEach(function (layer) {
      var w = layer.reduce(function (sum, node) { return sum + node.w; }, 0) + H_GAP * (layer.length - 1);
      width = Math.max(width, w);
    });
    width = Math.max(width, top ? NODE_W : 120);

    var y = top ? TERMINAL + V_GAP / 2 : 0;
    layers.forEach(function (layer) {
      var w = layer.reduce(function (sum, node) { return sum + node.w; }, 0) + H_GAP * (layer.length - 1);
      var x = (width - w) / 2;
      var h = 0;
      layer.forEach(function (node) {
        node.x = x;
        node.y = y;
        x += node.w + H_GAP;
        h = Math.max(h, node.h);
      });
      y += h + V_GAP;
    });
    var height = layers.length ? y - V_GAP : 0;
    if (top) {
      height += V_GAP / 2 + TERMINAL;
    }

    var edges = [];
    order.forEach(function (n) {
      transitionsOf(n, states[n]).forEach(function (t) {
        if (nodes[t.to]) { edges.push(t); }
      });
    });
    return { w: width, h: Math.max(height, NODE_H), nodes: nodes, edges: edges, layerOf: layerOf, top: top, start: machine && machine.StartAt };
  }

  function sizeNode(name, state) {
    var node = { name: name, state: state, w: NODE_W, h: NODE_H, children: [] };
    var machines = [];
    if (state.Type === 'Parallel') {
      machines = state.Branches || [];
    } else if (state.Type === 'Map') {
      machines = [state.ItemProcessor || state.Iterator || {}];
    }
    if (!machines.length) {
      return node;
    }
    var x = PAD;
    var h = 0;
    machines.forEach(function (m, i) {
      var child = layoutMachine(m, false);
      node.children.push({ layout: child, x: x + PAD, y: HEADER + PAD + 14, w: child.w + 2 * PAD, label: state.Type === 'Map' ? 'Item processor' : 'Branch ' + (i + 1) });
      x += child.w + 3 * PAD;
      h = Math.max(h, child.h);
    });
    node.w = Math.max(NODE_W, x);
    node.h = HEADER + PAD + 14 + h + 2 * PAD;
    node.children.forEach(function (c) { c.h = h + PAD + 14; });
    return node;
  }

  // ---- drawing --------------------------------------------------------------------------------------------------

  function svg(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function text(parent, x, y, value, cls, anchor) {
    var t = svg('text', { x: x, y: y, 'class': cls, 'text-anchor': anchor || 'middle' }, parent);
    t.textContent = value;
    return t;
  }

  function draw(definition) {
    var layout = layoutMachine(definition, true);
    var width = layout.w + 2 * MARGIN + 120;
    var height = layout.h + 2 * MARGIN;
    var root = svg('svg', { id: 'graph', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': 'Graph of ' + current.workflow });
    var defs = svg('defs', {}, root);
    [['arrow', '#545b64'], ['arrow-catch', '#d45b07']].forEach(function (m) {
      var marker = svg('marker', { id: m[0], viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
      svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: m[1] }, marker);
    });
    current.states = {};
    drawMachine(layout, MARGIN, MARGIN, root);
    while (el.canvas.firstChild) { el.canvas.removeChild(el.canvas.firstChild); }
    el.canvas.appendChild(root);
  }

  function drawMachine(layout, ox, oy, parent) {
    var g = svg('g', { transform: 'translate(' + ox + ',' + oy + ')' }, parent);
    var edgeLayer = svg('g', { 'class': 'edges' }, g);
    var nodeLayer = svg('g', { 'class': 'nodes' }, g);

    if (layout.top && layout.nodes[layout.start]) {
      var cx = layout.w / 2;
      svg('ellipse', { cx: cx, cy: TERMINAL / 2, rx: 34, ry: TERMINAL / 2 - 6, 'class': 'terminal' }, nodeLayer);
      text(nodeLayer, cx, TERMINAL / 2 + 4, 'Start', 'terminal-label');
      var s = layout.nodes[layout.start];
      edge(edgeLayer, cx, TERMINAL - 6, s.x + s.w / 2, s.y, 'next');
      var endY = layout.h - TERMINAL / 2;
      svg('ellipse', { cx: cx, cy: endY, rx: 34, ry: TERMINAL / 2 - 6, 'class': 'terminal' }, nodeLayer);
      text(nodeLayer, cx, endY + 4, 'End', 'terminal-label');
      // Arrows to End drop straight down to the gap above it first, so they pass beside taller states, not through them.
      var lane = endY - TERMINAL / 2 - V_GAP / 2 + 8;
      Object.keys(layout.nodes).forEach(function (n) {
        var node = layout.nodes[n];
        if (isEnd(node.state)) {
          var x = node.x + node.w / 2, y = node.y + node.h, ty = endY - TERMINAL / 2 + 6;
          svg('path', {
            d: 'M' + x + ',' + y + ' L' + x + ',' + Math.max(y, lane) + ' C' + x + ',' + (ty - 4) + ' ' + cx + ',' + Math.max(y, lane) + ' ' + cx + ',' + ty,
            'class': 'edge next', 'marker-end': 'url(#arrow)', 'data-from': n, 'data-to': '(End)'
          }, edgeLayer);
        }
      });
    }

    // Edges leaving one state fan out along its bottom edge.
    var outgoing = {};
    layout.edges.forEach(function (t) { (outgoing[t.from] = outgoing[t.from] || []).push(t); });
    Object.keys(outgoing).forEach(function (from) {
      var list = outgoing[from];
      var a = layout.nodes[from];
      list.forEach(function (t, i) {
        var b = layout.nodes[t.to];
        var forward = layout.layerOf[t.to] > layout.layerOf[from];
        var path;
        var lx, ly;
        if (forward) {
          var sx = a.x + a.w * (i + 1) / (list.length + 1);
          path = edge(edgeLayer, sx, a.y + a.h, b.x + b.w / 2, b.y, t.kind);
          lx = (sx + b.x + b.w / 2) / 2;
          ly = a.y + a.h + 16;
        } else {
          // Back to an earlier layer (a loop) or within a layer: go round the right-hand side.
          var x1 = a.x + a.w, y1 = a.y + a.h / 2 + i * 4, x2 = b.x + b.w, y2 = b.y + b.h / 2 - 6;
          var bulge = Math.max(x1, x2) + 50 + i * 12;
          path = svg('path', { d: 'M' + x1 + ',' + y1 + ' C' + bulge + ',' + y1 + ' ' + bulge + ',' + y2 + ' ' + x2 + ',' + y2, 'class': 'edge ' + t.kind, 'marker-end': t.kind === 'catch' ? 'url(#arrow-catch)' : 'url(#arrow)' }, edgeLayer);
          lx = bulge - 10;
          ly = (y1 + y2) / 2;
        }
        path.setAttribute('data-from', t.from);
        path.setAttribute('data-to', t.to);
        if (t.label) {
          var label = text(edgeLayer, lx, ly, t.label, 'edge-label ' + t.kind, forward ? 'middle' : 'start');
          if (t.title) {
            svg('title', {}, label).textContent = t.title;
          }
        }
      });
    });

    Object.keys(layout.nodes).forEach(function (n) { drawNode(layout.nodes[n], nodeLayer); });
  }

  function edge(parent, x1, y1, x2, y2, kind) {
    var dy = Math.max(20, (y2 - y1) / 2);
    return svg('path', {
      d: 'M' + x1 + ',' + y1 + ' C' + x1 + ',' + (y1 + dy) + ' ' + x2 + ',' + (y2 - dy) + ' ' + x2 + ',' + y2,
      'class': 'edge ' + kind,
      'marker-end': kind === 'catch' ? 'url(#arrow-catch)' : 'url(#arrow)'
    }, parent);
  }

  function drawNode(node, parent) {
    var g = svg('g', { 'class': 'state', 'data-state': node.name, 'data-type': node.state.Type || '', 'data-status': 'none', tabindex: 0 }, parent);
    svg('title', {}, g).textContent = node.name + ' (' + (node.state.Type || '?') + ')';
    var box;
    if (node.children.length) {
      svg('rect', { x: node.x, y: node.y, width: node.w, height: node.h, rx: 6, 'class': 'container', stroke: '#879196' }, g);
      box = svg('rect', { x: node.x, y: node.y, width: node.w, height: HEADER, rx: 6, 'class': 'state-box', fill: STATUS.none.fill, stroke: '#545b64' }, g);
      var name = text(g, node.x + 10, node.y + 16, clip(node.name, Math.floor(node.w / 8)), 'state-name', 'start');
      var type = text(g, node.x + 10, node.y + 28, node.state.Type === 'Map' ? 'Map' + (node.state.MaxConcurrency ? ' (max ' + node.state.MaxConcurrency + ' at once)' : '') : 'Parallel', 'state-type', 'start');
      node.children.forEach(function (c) {
        var bx = node.x + c.x - PAD, by = node.y + c.y - 14 - PAD / 2;
        svg('rect', { x: bx, y: by, width: c.w, height: c.h + PAD / 2, rx: 4, 'class': 'branch' }, g);
        text(g, bx + 6, by + 12, c.label, 'branch-label', 'start');
        drawMachine(c.layout, node.x + c.x, node.y + c.y + 4, g);
      });
      current.states[node.name] = { g: g, box: box, labels: [name, type], state: node.state };
    } else {
      box = svg('rect', { x: node.x, y: node.y, width: node.w, height: node.h, rx: 6, 'class': 'state-box', fill: STATUS.none.fill, stroke: '#545b64' }, g);
      var n1 = text(g, node.x + node.w / 2, node.y + 20, clip(node.name, 22), 'state-name');
      var n2 = text(g, node.x + node.w / 2, node.y + 35, node.state.Type === 'Task' && node.state.Resource ? 'Task: ' + clip(String(node.state.Resource).replace(/^arn:aws:states:::/, ''), 22) : (node.state.Type || '?'), 'state-type');
      current.states[node.name] = { g: g, box: box, labels: [n1, n2], state: node.state };
    }
    g.addEventListener('click', function (ev) { ev.stopPropagation(); select(node.name); });
    g.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') { select(node.name); } });
  }

  function paint(statuses) {
    Object.keys(current.states).forEach(function (name) {
      var s = current.states[name];
      var status = statuses ? statuses[name] || 'not-reached' : 'none';
      var colours = STATUS[status];
      s.g.setAttribute('data-status', status);
      s.box.setAttribute('fill', colours.fill);
      s.labels.forEach(function (t) { t.setAttribute('fill', colours.text); });
    });
  }

  function select(name) {
    Object.keys(current.states).forEach(function (n) { current.states[n].g.classList.toggle('selected', n === name); });
    clear(el.details);
    var s = current.states[name];
    var h = document.createElement('h3');
    h.textContent = name;
    el.details.appendChild(h);
    var status = current.statuses ? current.statuses[name] || 'not-reached' : null;
    if (status) {
      var p = document.createElement('p');
      p.textContent = 'Status: ' + STATUS[status].label;
      el.details.appendChild(p);
    }
    var pre = document.createElement('pre');
    var shown = {};
    Object.keys(s.state).forEach(function (k) { if (k !== 'Branches' && k !== 'ItemProcessor' && k !== 'Iterator') { shown[k] = s.state[k]; } });
    pre.textContent = JSON.stringify(shown, null, 2);
    el.details.appendChild(pre);
  }

  // ---- data -----------------------------------------------------------------------------------------------------

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  // The API's bearer token, pasted by the user; kept for this tab only (sessionStorage), never in the URL.
  var TOKEN_KEY = 'hybrid-token';

  function getJson(path) {
    var headers = { Accept: 'application/json' };
    var token = sessionStorage.getItem(TOKEN_KEY);
    if (token) { headers.Authorization = 'Bearer ' + token; }
    return fetch(API + path, { headers: headers, credentials: 'same-origin' }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (body) {
        if (!r.ok) {
          var detail = (body && (body.detail || body.title)) || ('HTTP ' + r.status);
          throw new Error(r.status === 401 ? detail + ' Paste a token into "Token" (hybrid token --sub alice --groups admins).' : detail);
        }
        return body;
      });
    });
  }

  function say(message) {
    el.message.hidden = !message;
    el.message.textContent = message || '';
  }

  function option(select, value, label) {
    var o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
    return o;
  }

  function hashParams() {
    var params = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (pair) {
      var i = pair.indexOf('=');
      if (i > 0) { params[decodeURIComponent(pair.slice(0, i))] = decodeURIComponent(pair.slice(i + 1)); }
    });
    return params;
  }

  function setHash() {
    var parts = [];
    if (current.workflow) { parts.push('workflow=' + encodeURIComponent(current.workflow)); }
    if (current.execution) { parts.push('execution=' + encodeURIComponent(current.execution)); }
    history.replaceState(null, '', '#' + parts.join('&'));
  }

  function loadWorkflows() {
    return getJson('/workflows').then(function (body) {
      clear(el.workflow);
      option(el.workflow, '', body.workflows.length ? '(pick a workflow)' : '(no workflows)');
      body.workflows.forEach(function (w) { option(el.workflow, w.name, w.name); });
    });
  }

  function loadWorkflow(name) {
    window.clearTimeout(current.poll);
    current.workflow = name || null;
    current.execution = null;
    current.statuses = null;
    clear(el.summary);
    clear(el.details);
    if (!name) {
      clear(el.canvas);
      el.execution.disabled = true;
      setHash();
      return Promise.resolve();
    }
    el.workflow.value = name;
    return getJson('/workflows/' + encodeURIComponent(name)).then(function (w) {
      current.definition = w.definition;
      draw(w.definition);
      paint(null);
      setHash();
      return loadExecutions();
    });
  }

  function loadExecutions() {
    return getJson('/executions?workflow=' + encodeURIComponent(current.workflow) + '&pageSize=100').then(function (page) {
      clear(el.execution);
      option(el.execution, '', page.executions.length ? '(pick an execution)' : '(no executions yet)');
      page.executions.forEach(function (e) {
        option(el.execution, e.executionId, e.name + ' \u2014 ' + e.status + ' \u2014 ' + new Date(e.startDate).toLocaleString());
      });
      el.execution.disabled = false;
      if (current.execution) { el.execution.value = current.execution; }
    });
  }

  function loadExecution(id) {
    window.clearTimeout(current.poll);
    current.execution = id || null;
    setHash();
    if (!id) {
      current.statuses = null;
      paint(null);
      clear(el.summary);
      return Promise.resolve();
    }
    el.execution.value = id;
    var path = '/executions/' + encodeURIComponent(id);
    return Promise.all([getJson(path), getJson(path + '/history')]).then(function (results) {
      if (current.execution !== id) { return; }
      var description = results[0];
      current.statuses = deriveStatuses(results[1].events || [], description.status);
      paint(current.statuses);
      summarize(description);
      if (description.status === 'RUNNING' || description.status === 'PENDING') {
        current.poll = window.setTimeout(function () { loadExecution(id).catch(function (e) { say(e.message); }); }, 2000);
      }
    });
  }

  function summarize(d) {
    clear(el.summary);
    var dl = document.createElement('dl');
    dl.id = 'execution-summary';
    dl.setAttribute('data-status', d.status);
    [['Execution', d.name], ['Status', d.status], ['Started', d.startDate], ['Stopped', d.stopDate], ['Current state', d.currentState], ['Error', d.error], ['Cause', d.cause]]
      .forEach(function (row) {
        if (row[1] === null || row[1] === undefined || row[1] === '') { return; }
        var dt = document.createElement('dt');
        dt.textContent = row[0];
        var dd = document.createElement('dd');
        dd.textContent = String(row[1]);
        dl.appendChild(dt);
        dl.appendChild(dd);
      });
    el.summary.appendChild(dl);
  }

  function done(promise) {
    return promise.then(function () {
      say(null);
    }, function (e) {
      say(e.message);
    }).then(function () {
      document.body.setAttribute('data-ready', 'true');
    });
  }

  el.workflow.addEventListener('change', function () { done(loadWorkflow(el.workflow.value)); });
  el.execution.addEventListener('change', function () { done(loadExecution(el.execution.value)); });
  el.token.value = sessionStorage.getItem(TOKEN_KEY) || '';
  el.token.addEventListener('change', function () {
    var token = el.token.value.trim();
    if (token) { sessionStorage.setItem(TOKEN_KEY, token); } else { sessionStorage.removeItem(TOKEN_KEY); }
    done(loadWorkflows().then(function () { return current.workflow ? loadWorkflow(current.workflow) : null; }));
  });
  el.refresh.addEventListener('click', function () {
    if (current.workflow) {
      var id = current.execution;
      done(loadExecutions().then(function () { return id ? loadExecution(id) : null; }));
    }
  });

  var start = hashParams();
  done(loadWorkflows().then(function () {
    if (!start.workflow) { return null; }
    return loadWorkflow(start.workflow).then(function () {
      return start.execution ? loadExecution(start.execution) : null;
    });
  }));

  // For tests and the curious: the status derivation on its own.
  window.hybridGraph = { deriveStatuses: deriveStatuses };
}());
