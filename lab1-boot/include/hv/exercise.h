/*
 * hv/exercise.h - how an unfinished exercise announces itself (lab 1).
 *
 * Every exercise stub in a skeleton calls EXERCISE_TODO.  It prints, on the
 * console and on the grader's result channel, which exercise of which lab is
 * not done and where, so a failing test always names the work left.
 */
#ifndef HV_EXERCISE_H
#define HV_EXERCISE_H

void exercise_todo(int lab, int exercise, const char *name, const char *file,
                   const char *func);

#define EXERCISE_TODO(lab, ex, name) \
    exercise_todo((lab), (ex), (name), __FILE__, __func__)

#endif /* HV_EXERCISE_H */
