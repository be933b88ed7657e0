# check-descents.awk - reads chapter 3's output and checks what the three
# descents learned against expectations computed here, not in the C
# program. Exit status 0 when every check holds. Run with -v order=sorted
# for an --in-order run, which checks the lean of the sorted passes.
function abs(v) { return v < 0 ? -v : v }
function fail(msg) { print "FAIL: " msg; failed = 1 }
function ok(msg) { print "ok: " msg }
# The one-weight part ends where the two-parameter valley begins.
/^two parameters/ { valley = 1 }
valley { next }
/least squares w\* =/ { w_star = $NF }
/^(stochastic|mini-batch|fixed step) +[0-9]/ {
    name = $1; rows++
    arrival[name] = $(NF - 3); final[name] = $(NF - 2)
    error[name] = $(NF - 1); stays[name] = $NF + 0
}
/^least squares / { e_star = $NF }
/shrinks by/ { factor = $(NF - 2) }
/full batch would be within/ { predicted = $(NF - 1) }
END {
    if (rows != 3 || w_star == "" || e_star == "" || factor == "")
        { print "FAIL: output incomplete"; exit 1 }
    # The beans are y = 1.2 x + U[0, 0.1): w* = 1.2 + 0.05 (1/2)/(1/3).
    if (w_star > 1.25 && w_star < 1.30) ok("w* " w_star " near 1.275")
    else fail("w* " w_star " is not near 1.275")
    # Full-batch arrival from the factor: smallest t, factor^t d <= 0.01.
    d = abs(0.01 - w_star)
    t = 0; while (d * factor ^ t > 0.01) t++
    if (t == predicted) ok("full-batch prediction " t)
    else fail("full-batch prediction " predicted ", expected " t)
    # The least-squares error is the minimum: nobody can beat it.
    for (n in final) {
        if (error[n] + 1e-6 < e_star)
            fail(n " error " error[n] " below the minimum " e_star)
        if (arrival[n] == "never" && order != "sorted")
            fail(n " never arrived")
    }
    if (order == "sorted") {
        # Sorted passes end on the biggest beans, whose y/x is about
        # 1.2 + 0.05 / x < w*: every descent ends below w*.
        for (n in final)
            if (final[n] < w_star - 0.005)
                ok(n " ends below w* (" final[n] ")")
            else fail(n " final " final[n] " not below w* " w_star)
        exit failed
    }
    # Stochastic and mini-batch arrive about when full batch would.
    for (n in final) if (n != "fixed") {
        if (arrival[n] >= 0.5 * t && arrival[n] <= 1.6 * t)
            ok(n " arrives at " arrival[n] ", full batch at " t)
        else fail(n " arrives at " arrival[n] ", far from " t)
    }
    # Fixed steps of 0.01 from 0.01 cannot arrive sooner than this.
    fewest = (w_star - 0.02) / 0.01
    fewest = fewest == int(fewest) ? fewest : int(fewest) + 1
    if (arrival["fixed"] >= fewest && arrival["fixed"] <= fewest + 15)
        ok("fixed step arrives at " arrival["fixed"] " >= " fewest)
    else fail("fixed step arrives at " arrival["fixed"] ", bound " fewest)
    # Where they end: mini-batch within 0.01 of w*; the noisy two
    # within 0.03 (their band is wider; see the chapter).
    limit["mini-batch"] = 0.01; limit["stochastic"] = 0.03
    limit["fixed"] = 0.03
    for (n in final)
        if (abs(final[n] - w_star) <= limit[n])
            ok(n " ends at " final[n] ", within " limit[n])
        else fail(n " ends at " final[n] ", not within " limit[n])
    # Averaging calms: mini-batch stays in the band, stochastic less so.
    if (stays["mini-batch"] >= 95 && stays["stochastic"] < \
        stays["mini-batch"])
        ok("stays: mini-batch " stays["mini-batch"] "%, stochastic " \
           stays["stochastic"] "%")
    else fail("stays: mini-batch " stays["mini-batch"] \
              "%, stochastic " stays["stochastic"] "%")
    exit failed
}
