"""The performance day of a round: the running order (抽签), check-in, what is on stage,
judges confirming their scores (现场亮分), the big screen, and the day's paper."""
