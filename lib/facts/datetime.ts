// ansible_date_time from one `date` call on the host (its clock and its zone, not ours); the UTC
// fields are computed from the same instant so no field can straddle a second.

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * `date` printed `%Y|%m|%A|%w|%W|%d|%H|%M|%S|%s|%N|%Z|%z`; `tznames` has the zone's `%Z|%z` in
 * January and July (Python's time.tzname[1] is the summer name where there is one).
 */
export function dateTimeFacts(date: string, tznames: string): Record<string, string> {
  const [year, month, weekday, wday, week, day, hour, minute, second, epoch, nanos, tz, offset] = date.trim().split('|');
  const ns = /^\d+$/.test(nanos ?? '') ? nanos.padEnd(9, '0') : '000000000';
  const micro = ns.slice(0, 6);
  const utc = new Date(Number(epoch) * 1000);
  const utcStr = `${utc.getUTCFullYear()}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}T${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}`;
  const zones = tznames.trim().split('\n').map((l) => l.split('|'));
  let tzDst = tz;
  if (zones.length === 2 && zones[0][0] !== zones[1][0]) tzDst = Number(zones[0][1]) > Number(zones[1][1]) ? zones[0][0] : zones[1][0];
  return {
    year, month, weekday, weekday_number: wday, weeknumber: week, day, hour, minute, second,
    epoch, epoch_int: String(Number(epoch)),
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}:${second}`,
    iso8601_micro: `${utcStr}.${micro}Z`,
    iso8601: `${utcStr}Z`,
    iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
    iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
    tz, tz_dst: tzDst, tz_offset: offset,
  };
}
