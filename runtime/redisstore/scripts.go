package redisstore

import "github.com/redis/go-redis/v9"

// Key layout, under Options.KeyPrefix (P):
//
//	P rt:<hex sha256>  hash  f=family s=subject e=expiry ms [r=rotated-at ms n=next hex]
//	P rf:<family>      hash  e=latest expiry of any token ms [v=1 once revoked]
//	P us:<subject>     zset  the subject's families scored in login order, for
//	                         RevokeSubject and the session cap; ended ones are
//	                         pruned at the subject's next login or RevokeSubject
//	P rc:<family>      list  the family's token hashes, oldest first; at most
//	                         auth.KeptAncestors+1: older token keys are deleted
//	P revoked          pub/sub channel: the id of every family revoked
//
// Every key carries PEXPIREAT of its expiry, so Redis removes it when its token (or the
// family's last token) dies and nothing piles up. A family key must exist for its
// tokens to be usable: if Redis evicts it under memory pressure, its tokens fail
// closed (unknown) instead of escaping a revocation.
//
// Times are passed in from the guard's clock as Unix milliseconds; the scripts never
// read Redis' clock, so every instance judges expiry and grace the same way.

// extendLua is a Lua function, prepended to scripts that need it: extend(k, ms)
// moves key k's expiry out to ms, never in. PEXPIRETIME needs Redis 7; on older
// servers the expiry is simply set to ms (every caller passes the latest expiry).
const extendLua = `
local function extend(k, ms)
  local cur = redis.pcall('PEXPIRETIME', k)
  if type(cur) ~= 'number' or cur < tonumber(ms) then redis.call('PEXPIREAT', k, ms) end
end
`

// issueScript records the first token of a family, after pruning the subject's
// index of families that ended and, with a cap, revoking (and PUBLISHing) the
// oldest live ones beyond it. A family counts as live while its key exists, it is
// not revoked and its expiry is after now; expired ones stay in the index until
// their key is gone (another instance's clock may still rotate them).
// KEYS[1] token key, KEYS[2] family key, KEYS[3] subject key, KEYS[4] chain key;
// ARGV family, subject, expiry ms, token hex, now ms (0: unknown), max live
// sessions with the new one (0: no cap), family key prefix, channel.
// Returns {1, ended family...} oldest first, or {0} when the token key already
// exists (nothing changed). The index scores are strictly increasing, so the order
// is the order of logins even within one millisecond.
var issueScript = redis.NewScript(extendLua + `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0} end
local now, cap = tonumber(ARGV[5]), tonumber(ARGV[6])
local live = {}
for _, f in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  local fam = redis.call('HMGET', ARGV[7] .. f, 'e', 'v')
  if not fam[1] or fam[2] then
    redis.call('ZREM', KEYS[3], f)
  elseif tonumber(fam[1]) > now then
    live[#live + 1] = f
  end
end
local out = {1}
if cap > 0 then
  for i = 1, #live - cap + 1 do
    redis.call('HSET', ARGV[7] .. live[i], 'v', '1')
    redis.call('ZREM', KEYS[3], live[i])
    redis.call('PUBLISH', ARGV[8], live[i])
    out[#out + 1] = live[i]
  end
end
redis.call('HSET', KEYS[1], 'f', ARGV[1], 's', ARGV[2], 'e', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
local fe = tonumber(redis.call('HGET', KEYS[2], 'e') or '0')
if tonumber(ARGV[3]) > fe then
  redis.call('HSET', KEYS[2], 'e', ARGV[3])
  redis.call('PEXPIREAT', KEYS[2], ARGV[3])
end
local score = now
local top = redis.call('ZREVRANGE', KEYS[3], 0, 0, 'WITHSCORES')
if top[2] and tonumber(top[2]) >= score then score = tonumber(top[2]) + 1 end
redis.call('ZADD', KEYS[3], score, ARGV[1])
extend(KEYS[3], ARGV[3])
redis.call('RPUSH', KEYS[4], ARGV[4])
redis.call('PEXPIREAT', KEYS[4], redis.call('HGET', KEYS[2], 'e'))
return out
`)

// Rotate outcomes, the first element of rotateScript's reply.
const (
	rotUnknown = 0 // unknown, expired, or family revoked
	rotOK      = 1 // rotated now, or a same-successor retry inside grace
	rotReused  = 2 // rotated earlier: family revoked now
)

// rotateScript is the atomic check-and-set at the heart of rotation.
// KEYS[1] old token key, KEYS[2] next token key.
// ARGV family key prefix, next hex, now ms, grace ms, next expiry ms, channel,
// chain key prefix, token key prefix, chain length kept, subject key prefix.
// Returns {rotUnknown}, or {rotOK or rotReused, family, subject, expiry ms} of the
// old token.
var rotateScript = redis.NewScript(extendLua + `
local t = redis.call('HMGET', KEYS[1], 'f', 's', 'e', 'r', 'n')
local now = tonumber(ARGV[3])
if not t[1] or tonumber(t[3]) <= now then return {0} end
local fk = ARGV[1] .. t[1]
local fam = redis.call('HMGET', fk, 'e', 'v')
if not fam[1] or fam[2] then return {0} end
if t[4] then
  if t[5] == ARGV[2] and now - tonumber(t[4]) < tonumber(ARGV[4]) then
    return {1, t[1], t[2], t[3]}
  end
  redis.call('HSET', fk, 'v', '1')
  redis.call('PUBLISH', ARGV[6], t[1])
  return {2, t[1], t[2], t[3]}
end
redis.call('HSET', KEYS[1], 'r', ARGV[3], 'n', ARGV[2])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'f', t[1], 's', t[2], 'e', ARGV[5])
redis.call('PEXPIREAT', KEYS[2], ARGV[5])
if tonumber(ARGV[5]) > tonumber(fam[1]) then
  redis.call('HSET', fk, 'e', ARGV[5])
  redis.call('PEXPIREAT', fk, ARGV[5])
  -- the subject's index must outlive the family, or RevokeSubject misses it
  if redis.call('EXISTS', ARGV[10] .. t[2]) == 1 then extend(ARGV[10] .. t[2], ARGV[5]) end
end
local ck = ARGV[7] .. t[1]
redis.call('RPUSH', ck, ARGV[2])
while redis.call('LLEN', ck) > tonumber(ARGV[9]) do
  redis.call('DEL', ARGV[8] .. redis.call('LPOP', ck))
end
redis.call('PEXPIREAT', ck, redis.call('HGET', fk, 'e'))
return {1, t[1], t[2], t[3]}
`)

// revokeScript marks the family of a token revoked; the marker keeps the family
// key's expiry, which outlives every token of the family.
// KEYS[1] token key; ARGV family key prefix, channel. Returns 1 if a family was
// found. Every revocation is published on the channel, atomically with it.
var revokeScript = redis.NewScript(`
local f = redis.call('HGET', KEYS[1], 'f')
if not f then return 0 end
local fk = ARGV[1] .. f
if redis.call('EXISTS', fk) == 0 then return 0 end
redis.call('HSET', fk, 'v', '1')
redis.call('PUBLISH', ARGV[2], f)
return 1
`)

// revokeSubjectScript revokes every family of a subject and empties its index. KEYS[1] subject key; ARGV family key prefix, channel. Returns how
// many families it revoked.
var revokeSubjectScript = redis.NewScript(`
local n = 0
for _, f in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local fk = ARGV[1] .. f
  if redis.call('EXISTS', fk) == 1 and not redis.call('HGET', fk, 'v') then
    redis.call('HSET', fk, 'v', '1')
    redis.call('PUBLISH', ARGV[2], f)
    n = n + 1
  end
  redis.call('ZREM', KEYS[1], f)
end
return n
`)
