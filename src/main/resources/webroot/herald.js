/*
 * Herald browser client, dependency-free.
 *
 *   var client = Herald.connect('https://push.example.com', {transports: ['websocket'], token: '...',
 *                                                          onStatus: function (status, detail) {}});
 *   var off = client.subscribe('thread:42', function (frame) { ... frame.data ... });
 *   off();                      // or client.unsubscribe('thread:42', handler)
 *   client.close();
 *
 * transports: ['websocket'] (default, native WebSocket at /ws) or any list containing 'sockjs' and/or SockJS
 * transport names ('xhr-streaming', 'xhr-polling', 'eventsource', 'iframe-htmlfile', 'jsonp-polling'...), which
 * uses SockJS at /rt with the sockjs-client the server bundles (/rt-assets/sockjs.min.js).
 * Reconnects with exponential backoff and full jitter, never sooner than the server's retryAfterMs, and resumes
 * every channel from the last message id seen (no gap, no duplicate while the server's history covers it).
 * Statuses: connecting, connected, disconnected, closed, error.
 * onSubscribed(channel, frame), when given, is called each time the server confirms a channel's subscription
 * (after every (re)connect; frame.recovered says whether the resume covered the gap).
 */
(function (global) {
  'use strict';

  var BASE_DELAY_MS = 500;
  var MAX_DELAY_MS = 30000;
  var SOCKJS_NAMES = ['websocket', 'xhr-streaming', 'xhr-polling', 'eventsource', 'iframe-eventsource',
    'iframe-htmlfile', 'iframe-xhr-polling', 'jsonp-polling'];

  function Client(url, options) {
    this.base = (url || '').replace(/\/+$/, '');
    this.options = options || {};
    this.transports = this.options.transports || ['websocket'];
    this.handlers = {};   // channel -> [function]
    this.positions = {};  // channel -> last message id seen
    this.socket = null;
    this.attempt = 0;
    this.retryAfterMs = 0;
    this.closed = false;
    this.timer = null;
    this.pinger = null;
  }

  Client.prototype.useSockJs = function () {
    for (var i = 0; i < this.transports.length; i++) {
      if (this.transports[i] !== 'websocket') {
        return true;
      }
    }
    return false;
  };

  Client.prototype.status = function (status, detail) {
    this.lastStatus = status;
    if (typeof this.options.onStatus === 'function') {
      try { this.options.onStatus(status, detail); } catch (e) { /* the page's problem */ }
    }
  };

  Client.prototype.httpBase = function () {
    if (this.base) {
      return this.base;
    }
    return global.location ? global.location.protocol + '//' + global.location.host : '';
  };

  Client.prototype.open = function () {
    var self = this;
    if (self.closed) {
      return;
    }
    self.status('connecting', {attempt: self.attempt});
    if (self.useSockJs()) {
      loadSockJs(self.httpBase() + '/rt-assets/sockjs.min.js', function (err) {
        if (err) {
          self.status('error', {reason: 'could not load sockjs-client'});
          self.scheduleReconnect();
          return;
        }
        var names = self.transports.filter(function (t) { return SOCKJS_NAMES.indexOf(t) >= 0; });
        var opts = names.length ? {transports: names} : {};
        self.attach(new global.SockJS(self.httpBase() + '/rt', null, opts));
      });
      return;
    }
    var wsUrl = self.httpBase().replace(/^http/, 'ws') + '/ws';
    if (self.options.token) {
      wsUrl += '?token=' + encodeURIComponent(self.options.token);
    }
    self.attach(new global.WebSocket(wsUrl));
  };

  Client.prototype.attach = function (socket) {
    var self = this;
    self.socket = socket;
    socket.onmessage = function (e) {
      var frame;
      try { frame = JSON.parse(e.data); } catch (err) { return; }
      self.onFrame(frame);
    };
    socket.onclose = function () {
      if (self.socket !== socket) {
        return;
      }
      self.socket = null;
      clearInterval(self.pinger);
      if (!self.closed) {
        self.status('disconnected', {retryAfterMs: self.retryAfterMs});
        self.scheduleReconnect();
      }
    };
    socket.onerror = function () { /* onclose follows */ };
  };

  Client.prototype.send = function (frame) {
    // SockJS: OPEN is 1 as for WebSocket.
    if (this.socket && this.socket.readyState === 1) {
      this.socket.send(JSON.stringify(frame));
    }
  };

  Client.prototype.onFrame = function (f) {
    var self = this;
    switch (f.op) {
      case 'hello':
        self.attempt = 0;
        self.retryAfterMs = 0;
        self.status('connected', {client: f.client});
        clearInterval(self.pinger);
        // Inbound traffic keeps the server's idle check happy on transports without native pings.
        self.pinger = setInterval(function () { self.send({op: 'ping'}); }, f.heartbeatMs || 25000);
        var channels = Object.keys(self.handlers);
        if (channels.length) {
          self.sendSubscribe(channels);
        }
        break;
      case 'subscribed':
        if (self.positions[f.channel] === undefined && f.position) {
          self.positions[f.channel] = f.position;
        }
        if (f.recovered === false) {
          self.status('connected', {channel: f.channel, recovered: false});
        }
        if (typeof self.options.onSubscribed === 'function') {
          try { self.options.onSubscribed(f.channel, f); } catch (e) { /* the page's problem */ }
        }
        break;
      case 'message':
        self.positions[f.channel] = f.id;
        var list = (self.handlers[f.channel] || []).slice();
        for (var i = 0; i < list.length; i++) {
          try { list[i](f); } catch (e) { /* one handler must not stop the others */ }
        }
        break;
      case 'disconnect':
        if (f.positions) {
          Object.keys(f.positions).forEach(function (c) { self.positions[c] = f.positions[c]; });
        }
        if (typeof f.retryAfterMs === 'number') {
          self.retryAfterMs = f.retryAfterMs;
        } else {
          // The server says not to come back (bad frames, policy).
          self.closed = true;
          self.status('closed', {code: f.code, reason: f.reason});
        }
        break;
      case 'error':
        self.status('error', f);
        break;
      default:
        break;
    }
  };

  Client.prototype.sendSubscribe = function (channels) {
    var since = {};
    var self = this;
    channels.forEach(function (c) {
      if (self.positions[c]) {
        since[c] = self.positions[c];
      }
    });
    var frame = {op: 'subscribe', channels: channels, since: since};
    if (self.options.token) {
      frame.token = self.options.token;
    }
    self.send(frame);
  };

  Client.prototype.scheduleReconnect = function () {
    var self = this;
    if (self.closed || self.timer) {
      return;
    }
    var cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * Math.pow(2, self.attempt));
    var delay = Math.max(self.retryAfterMs, Math.floor(Math.random() * cap));
    self.attempt++;
    self.retryAfterMs = 0;
    self.timer = setTimeout(function () {
      self.timer = null;
      self.open();
    }, delay);
  };

  /** Adds a handler of the channel's messages; returns a function that removes it. */
  Client.prototype.subscribe = function (channel, onMessage) {
    var self = this;
    var first = !self.handlers[channel];
    (self.handlers[channel] = self.handlers[channel] || []).push(onMessage);
    if (first) {
      self.sendSubscribe([channel]);
    }
    return function () { self.unsubscribe(channel, onMessage); };
  };

  /** Removes one handler (or all when none is given); the channel is left when it has none. */
  Client.prototype.unsubscribe = function (channel, onMessage) {
    var list = this.handlers[channel];
    if (!list) {
      return;
    }
    var rest = onMessage ? list.filter(function (h) { return h !== onMessage; }) : [];
    if (rest.length) {
      this.handlers[channel] = rest;
      return;
    }
    delete this.handlers[channel];
    delete this.positions[channel];
    this.send({op: 'unsubscribe', channels: [channel]});
  };

  Client.prototype.close = function () {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.pinger);
    if (this.socket) {
      var s = this.socket;
      this.socket = null;
      s.close();
    }
    this.status('closed', {});
  };

  var sockJsLoading = null;

  function loadSockJs(src, done) {
    if (global.SockJS) {
      done();
      return;
    }
    if (!sockJsLoading) {
      sockJsLoading = [];
      var script = global.document.createElement('script');
      script.src = src;
      script.onload = function () { var l = sockJsLoading; sockJsLoading = null; l.forEach(function (f) { f(); }); };
      script.onerror = function () {
        var l = sockJsLoading;
        sockJsLoading = null;
        script.parentNode.removeChild(script);
        l.forEach(function (f) { f(new Error('load failed')); });
      };
      global.document.head.appendChild(script);
    }
    sockJsLoading.push(done);
  }

  global.Herald = {
    connect: function (url, options) {
      var client = new Client(url, options);
      client.open();
      return client;
    }
  };
})(typeof window !== 'undefined' ? window : this);
