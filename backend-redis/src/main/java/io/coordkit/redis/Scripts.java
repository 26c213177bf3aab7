package io.coordkit.redis;

/**
 * Every Lua script of the backend, in one place. The key layout is described in {@link Keys} and in the module's
 * README. Conventions: {@code ARGV[1]} = key base, {@code ARGV[2]} = deadline (server ms, 0 = none); an entry bound
 * to a session carries the session id, and counts only while the session's key {@code <base>s:<sid>} exists, so
 * when a client dies or freezes its entries vanish with its session key (Redis expires it by its TTL) without any
 * action of the client. Errors are {@code COORDKIT_LATE} (deadline passed, nothing done), {@code COORDKIT_NOSESSION}
 * (the caller's session key is gone, nothing done) and {@code COORDKIT_TAKEN} (an id held by another live session).
 * Each script is safe to run twice: grants, registrations and candidacies are keyed by a random id of the request,
 * config writes leave a short-lived record of their outcome under the request's id.
 */
final class Scripts {

    private Scripts() {
    }

    static final String PRELUDE = """
            local base = ARGV[1]
            local deadline = tonumber(ARGV[2])
            local function now_ms()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function alive(sid)
              return redis.call('EXISTS', base .. 's:' .. sid) == 1
            end
            local function is_late(now)
              return deadline > 0 and now > deadline
            end
            """;

    /**
     * One step of a lock, read-write lock or semaphore acquisition. KEYS: holders (hash attempt -> sid|mode|token),
     * queue (zset attempt -> arrival), waiters (hash attempt -> sid|mode|until), counters (hash). ARGV[3] token
     * field, [4] mode x|r|w|s, [5] permits, [6] attempt id, [7] sid, [8] wait ms, [9] channel, [10] enqueue 1|0,
     * [11] leave the queue if not granted 1|0. Returns {1, token} when held, {0, -1} when waiting, {0, 0} when
     * the attempt is not (or no longer) queued.
     */
    static final Script LOCK_TRY = Script.of("lock acquire", """
            local H, Q, W, T = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
            local field, mode, permits, a, sid = ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7]
            local waitms, chan, enq, leave = tonumber(ARGV[8]), ARGV[9], ARGV[10], ARGV[11]
            local now = now_ms()
            if is_late(now) then return redis.error_reply('COORDKIT_LATE the request reached Redis after its deadline') end
            local held = redis.call('HGET', H, a)
            if held then return {1, tonumber(string.match(held, '([^|]*)$'))} end
            if not alive(sid) then return redis.error_reply('COORDKIT_NOSESSION session ' .. sid .. ' is gone') end
            local changed = false
            local n, writer = 0, false
            local hs = redis.call('HGETALL', H)
            for i = 1, #hs, 2 do
              local hsid, hmode = string.match(hs[i + 1], '^([^|]*)|([^|]*)|')
              if alive(hsid) then
                n = n + 1
                if hmode == 'w' then writer = true end
              else
                redis.call('HDEL', H, hs[i])
                changed = true
              end
            end
            local ws = redis.call('HGETALL', W)
            for i = 1, #ws, 2 do
              local wsid, wmode, wuntil = string.match(ws[i + 1], '^([^|]*)|([^|]*)|([^|]*)$')
              if (not alive(wsid)) or tonumber(wuntil) < now then
                redis.call('HDEL', W, ws[i])
                redis.call('ZREM', Q, ws[i])
                changed = true
              end
            end
            local function grant(queued)
              if queued then
                redis.call('ZREM', Q, a)
                redis.call('HDEL', W, a)
              end
              local tok = redis.call('HINCRBY', T, field, 1)
              redis.call('HSET', H, a, sid .. '|' .. mode .. '|' .. tok)
              if changed or mode == 'r' or mode == 's' then redis.call('PUBLISH', chan, 'g') end
              return {1, tok}
            end
            local queued = redis.call('ZSCORE', Q, a)
            if (not queued) and enq == '1' and redis.call('ZCARD', Q) == 0 then
              -- nobody waits: granted at once if the holders allow it, without joining the queue
              if ((mode == 'x' or mode == 'w') and n == 0) or (mode == 'r' and not writer)
                  or (mode == 's' and n < permits) then
                return grant(false)
              end
            end
            if not queued then
              if enq ~= '1' then
                if changed then redis.call('PUBLISH', chan, 'p') end
                return {0, 0}
              end
              local seq = redis.call('HINCRBY', T, field .. '#q', 1)
              redis.call('ZADD', Q, seq, a)
              redis.call('HSET', W, a, sid .. '|' .. mode .. '|' .. (now + waitms))
            end
            local q = redis.call('ZRANGE', Q, 0, -1)
            local ok = false
            if mode == 'x' or mode == 'w' then
              ok = (n == 0 and q[1] == a)
            elseif mode == 'r' then
              if not writer then
                for _, id in ipairs(q) do
                  if id == a then ok = true break end
                  local v = redis.call('HGET', W, id)
                  if v and string.match(v, '^[^|]*|([^|]*)|') == 'w' then break end
                end
              end
            else
              local free = permits - n
              for i, id in ipairs(q) do
                if id == a then ok = (i <= free) break end
              end
            end
            if ok then
              return grant(true)
            end
            if leave == '1' then
              redis.call('ZREM', Q, a)
              redis.call('HDEL', W, a)
              redis.call('PUBLISH', chan, 'l')
              return {0, 0}
            end
            if changed then redis.call('PUBLISH', chan, 'p') end
            return {0, -1}
            """);

    /**
     * Releases a lease or withdraws a waiting attempt (owner-checked by the attempt's random id). KEYS: holders,
     * queue, waiters. ARGV[3] attempt id, [4] channel. Returns {removed}. Publishes {@code r:<attempt>} when the
     * queue's head is a live exclusive or write waiter still within its wait, the only attempt a release can let in
     * then (the others wait behind it): the other waiters need not run a step. Otherwise {@code r}, which every
     * waiter answers (read and permit waiters that may now be let in, or a dead or late head to purge).
     */
    static final Script LOCK_RELEASE = Script.of("lock release", """
            local r = redis.call('HDEL', KEYS[1], ARGV[3]) + redis.call('ZREM', KEYS[2], ARGV[3])
            redis.call('HDEL', KEYS[3], ARGV[3])
            if r > 0 then
              local msg = 'r'
              local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
              if head then
                local v = redis.call('HGET', KEYS[3], head)
                if v then
                  local hsid, hmode, huntil = string.match(v, '^([^|]*)|([^|]*)|([^|]*)$')
                  if (hmode == 'x' or hmode == 'w') and alive(hsid) and tonumber(huntil) >= now_ms() then
                    msg = 'r:' .. head
                  end
                end
              end
              redis.call('PUBLISH', ARGV[4], msg)
            end
            return {r}
            """);

    /**
     * Whether a lock, read-write lock or semaphore is held or waited for by a live session (for the admin's list;
     * reads only). KEYS: holders (hash attempt -> sid|mode|token), waiters (hash attempt -> sid|mode|until).
     * Returns {1} or {0}.
     */
    static final Script LOCK_IN_USE = Script.of("lock in use", """
            local now = now_ms()
            local hs = redis.call('HGETALL', KEYS[1])
            for i = 2, #hs, 2 do
              if alive(string.match(hs[i], '^([^|]*)|')) then return {1} end
            end
            local ws = redis.call('HGETALL', KEYS[2])
            for i = 2, #ws, 2 do
              local wsid, wuntil = string.match(ws[i], '^([^|]*)|[^|]*|([^|]*)$')
              if alive(wsid) and tonumber(wuntil) >= now then return {1} end
            end
            return {0}
            """);

    /**
     * Registers an instance. KEYS: owners (hash id -> sid|token), payloads (hash id -> bytes). ARGV[3] id, [4] sid,
     * [5] registration token, [6] payload, [7] renewal 1|0, [8] coordinator id prefix of the sid, [9] channel.
     */
    static final Script REGISTER = Script.of("register", """
            local id, sid, tok, renewal, cid, chan = ARGV[3], ARGV[4], ARGV[5], ARGV[7], ARGV[8], ARGV[9]
            if is_late(now_ms()) then return redis.error_reply('COORDKIT_LATE the request reached Redis after its deadline') end
            if not alive(sid) then return redis.error_reply('COORDKIT_NOSESSION session ' .. sid .. ' is gone') end
            local o = redis.call('HGET', KEYS[1], id)
            if o then
              local osid, otok = string.match(o, '^([^|]*)|(.*)$')
              if otok == tok then return {1} end
              if alive(osid) and not (renewal == '1' and string.sub(osid, 1, #cid) == cid) then
                return redis.error_reply('COORDKIT_TAKEN by session ' .. osid)
              end
            end
            redis.call('HSET', KEYS[1], id, sid .. '|' .. tok)
            redis.call('HSET', KEYS[2], id, ARGV[6])
            redis.call('PUBLISH', chan, 'u')
            return {1}
            """);

    /** Removes an instance if it is still this registration's. KEYS: owners, payloads. ARGV[3] id, [4] token, [5] channel. */
    static final Script DEREGISTER = Script.of("deregister", """
            local o = redis.call('HGET', KEYS[1], ARGV[3])
            if o and string.match(o, '^[^|]*|(.*)$') == ARGV[4] then
              redis.call('HDEL', KEYS[1], ARGV[3])
              redis.call('HDEL', KEYS[2], ARGV[3])
              redis.call('PUBLISH', ARGV[5], 'd')
              return {1}
            end
            return {0}
            """);

    /**
     * Lists the live instances, removing those of dead sessions. KEYS: owners, payloads. ARGV[3] channel. Returns
     * {id, payload, id, payload, ...}.
     */
    static final Script INSTANCES = Script.of("instances", """
            local os = redis.call('HGETALL', KEYS[1])
            local out, changed = {}, false
            for i = 1, #os, 2 do
              local sid = string.match(os[i + 1], '^([^|]*)|')
              if alive(sid) then
                table.insert(out, os[i])
                table.insert(out, redis.call('HGET', KEYS[2], os[i]) or '')
              else
                redis.call('HDEL', KEYS[1], os[i])
                redis.call('HDEL', KEYS[2], os[i])
                changed = true
              end
            end
            if changed then redis.call('PUBLISH', ARGV[3], 'x') end
            return out
            """);

    private static final String ELECT = """
            local Q, O, M, L, N = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
            local function elect(chan)
              local first = nil
              for _, id in ipairs(redis.call('ZRANGE', Q, 0, -1)) do
                local o = redis.call('HGET', O, id)
                local sid = o and string.match(o, '^([^|]*)|')
                if sid and alive(sid) then first = id break end
                redis.call('ZREM', Q, id)
                redis.call('HDEL', O, id)
                redis.call('HDEL', M, id)
              end
              local cur = redis.call('GET', L)
              if not first then
                if cur then
                  redis.call('DEL', L)
                  redis.call('PUBLISH', chan, 'n')
                end
                return nil
              end
              local tok = string.match(redis.call('HGET', O, first), '^[^|]*|(.*)$')
              if cur then
                local lid, ltok, lterm = string.match(cur, '^([^|]*)|([^|]*)|(.*)$')
                if lid == first and ltok == tok then return {first, tok, tonumber(lterm)} end
              end
              local term = redis.call('HINCRBY', N, 'term', 1)
              redis.call('SET', L, first .. '|' .. tok .. '|' .. term)
              redis.call('PUBLISH', chan, 'l')
              return {first, tok, term}
            end
            local function answer(present, l)
              if not l then return {present} end
              return {present, l[1], l[2], l[3], redis.call('HGET', M, l[1]) or ''}
            end
            """;

    /**
     * Joins an election. KEYS: queue (zset), owners (hash id -> sid|token), metadata (hash), leader (string
     * id|token|term), counters (hash: seq, term). ARGV[3] id, [4] sid, [5] join token, [6] metadata, [7] channel.
     * Returns {1, leaderId, leaderToken, term, metadata} or {1} without a leader.
     */
    static final Script JOIN = Script.of("join", ELECT + """
            local id, sid, tok, chan = ARGV[3], ARGV[4], ARGV[5], ARGV[7]
            if is_late(now_ms()) then return redis.error_reply('COORDKIT_LATE the request reached Redis after its deadline') end
            if not alive(sid) then return redis.error_reply('COORDKIT_NOSESSION session ' .. sid .. ' is gone') end
            local o = redis.call('HGET', O, id)
            local mine = false
            if o then
              local osid, otok = string.match(o, '^([^|]*)|(.*)$')
              if otok == tok then
                mine = true
              elseif alive(osid) then
                return redis.error_reply('COORDKIT_TAKEN by session ' .. osid)
              else
                redis.call('ZREM', Q, id)
                redis.call('HDEL', O, id)
                redis.call('HDEL', M, id)
              end
            end
            if not mine then
              local seq = redis.call('HINCRBY', N, 'seq', 1)
              redis.call('ZADD', Q, seq, id)
              redis.call('HSET', O, id, sid .. '|' .. tok)
              redis.call('HSET', M, id, ARGV[6])
            end
            return answer(1, elect(chan))
            """);

    /** Withdraws a candidacy if it is still this one. KEYS as JOIN. ARGV[3] id, [4] token, [5] channel. */
    static final Script WITHDRAW = Script.of("withdraw", ELECT + """
            local o = redis.call('HGET', O, ARGV[3])
            if o and string.match(o, '^[^|]*|(.*)$') == ARGV[4] then
              redis.call('ZREM', Q, ARGV[3])
              redis.call('HDEL', O, ARGV[3])
              redis.call('HDEL', M, ARGV[3])
            end
            elect(ARGV[5])
            return {1}
            """);

    /**
     * The current leader (electing the next live candidate when the leader's session is gone). KEYS as JOIN.
     * ARGV[3] channel, [4] candidate id or '', [5] its token. Returns {present, leaderId, token, term, metadata}.
     */
    static final Script LEADER = Script.of("leader", ELECT + """
            local present = 0
            if ARGV[4] ~= '' then
              local o = redis.call('HGET', O, ARGV[4])
              if o and string.match(o, '^[^|]*|(.*)$') == ARGV[5] then present = 1 end
            end
            return answer(present, elect(ARGV[3]))
            """);

    /**
     * A config write. KEYS: the key's hash {v, r}, index (zset), revision counter, change stream, outcome record.
     * ARGV[3] mode put|cas|del|delv, [4] key, [5] expected version, [6] value, [7] stream bound, [8] channel,
     * [9] outcome record TTL ms. Returns {'ok', revision} | {'del', 0|1} | {'conflict', current version or -1}.
     */
    static final Script CONFIG_WRITE = Script.of("config write", """
            local K, IDX, REV, LOG, OP = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
            local mode, key, value, chan = ARGV[3], ARGV[4], ARGV[6], ARGV[8]
            if is_late(now_ms()) then return redis.error_reply('COORDKIT_LATE the request reached Redis after its deadline') end
            local prev = redis.call('GET', OP)
            if prev then
              local c, n = string.match(prev, '^(%a+)|(.*)$')
              return {c, tonumber(n)}
            end
            local cur = redis.call('HGET', K, 'r')
            local curv = cur and tonumber(cur) or -1
            local function done(c, n)
              redis.call('SET', OP, c .. '|' .. n, 'PX', ARGV[9])
              return {c, n}
            end
            local function put()
              local rev = redis.call('INCR', REV)
              redis.call('HSET', K, 'v', value, 'r', rev)
              redis.call('ZADD', IDX, 0, key)
              redis.call('XADD', LOG, 'MAXLEN', '~', ARGV[7], '*', 't', 'p', 'k', key, 'r', rev, 'v', value)
              redis.call('PUBLISH', chan, rev)
              return done('ok', rev)
            end
            local function del()
              local rev = redis.call('INCR', REV)
              redis.call('DEL', K)
              redis.call('ZREM', IDX, key)
              redis.call('XADD', LOG, 'MAXLEN', '~', ARGV[7], '*', 't', 'd', 'k', key, 'r', rev)
              redis.call('PUBLISH', chan, rev)
              return done('del', 1)
            end
            if mode == 'put' then return put() end
            if mode == 'cas' then
              if tonumber(ARGV[5]) ~= curv then return done('conflict', curv) end
              return put()
            end
            if mode == 'del' then
              if curv < 0 then return done('del', 0) end
              return del()
            end
            if curv < 0 or tonumber(ARGV[5]) ~= curv then return done('conflict', curv) end
            return del()
            """);

    /**
     * Every key under a prefix (by whole segments), with the revision and the stream's last id, in one consistent
     * cut. KEYS: index, revision counter, change stream. ARGV[3] prefix. Returns {revision, lastId, key, value,
     * version, ...}.
     */
    static final Script CONFIG_LIST = Script.of("config list", """
            local IDX, REV, LOG, p = KEYS[1], KEYS[2], KEYS[3], ARGV[3]
            local keys = {}
            if p == '' then
              keys = redis.call('ZRANGE', IDX, 0, -1)
            else
              if redis.call('ZSCORE', IDX, p) then table.insert(keys, p) end
              for _, k in ipairs(redis.call('ZRANGE', IDX, '[' .. p .. '/', '(' .. p .. '0', 'BYLEX')) do
                table.insert(keys, k)
              end
            end
            local last = redis.call('XREVRANGE', LOG, '+', '-', 'COUNT', 1)
            local out = {tonumber(redis.call('GET', REV) or '0'), (last[1] and last[1][1]) or '0-0'}
            for _, k in ipairs(keys) do
              local vr = redis.call('HMGET', base .. 'cfg:k:' .. k, 'v', 'r')
              if vr[2] then
                table.insert(out, k)
                table.insert(out, vr[1])
                table.insert(out, tonumber(vr[2]))
              end
            end
            return out
            """);

    /**
     * Changes after a stream id. KEYS: change stream, revision counter. ARGV[3] last id seen, [4] count. Returns
     * {revision, id, type, key, version, value, ...}.
     */
    static final Script CONFIG_READ = Script.of("config changes", """
            local out = {tonumber(redis.call('GET', KEYS[2]) or '0')}
            for _, e in ipairs(redis.call('XRANGE', KEYS[1], '(' .. ARGV[3], '+', 'COUNT', ARGV[4])) do
              local f = {}
              for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
              table.insert(out, e[1])
              table.insert(out, f['t'] or '?')
              table.insert(out, f['k'] or '')
              table.insert(out, tonumber(f['r'] or '0'))
              table.insert(out, f['v'] or '')
            end
            return out
            """);

    /** Every script, loaded ({@code SCRIPT LOAD}) on each new connection before it is used. */
    static final java.util.List<Script> ALL = java.util.List.of(LOCK_TRY, LOCK_RELEASE, LOCK_IN_USE, REGISTER,
            DEREGISTER, INSTANCES, JOIN, WITHDRAW, LEADER, CONFIG_WRITE, CONFIG_LIST, CONFIG_READ);
}
