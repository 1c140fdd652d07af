/* Counting page views in C, while the request is still in the processor's cache (recorder.py says why).

   Tally(fields, batch, turn) is called as tally(environ, served) for every answer. It copies the named WSGI
   fields (None when missing) into a key (day, served, *values) and adds one to that key's count, in a dict it
   keeps: alike views (the same reader asking for the same page again) share one entry, so the request's strings
   are freed at once and the batch does no grouping. Nothing else happens per request: no test, no hashing of
   the address (the batch does that, once per entry).

   The caller holds the GIL for the whole call and nothing in it lets go of the GIL, so a count is never lost
   between threads: no lock is needed. `take()` hands over the dict and starts a new one, in one step too.

   turn(True) is called when the clock reaches `ends` (the day is over, or the first view: ends starts at 0), so
   that Python sets the new day with set_day(ends, day); turn(False) when `batch` different views wait. An error
   in either, or in the copy, is reported through sys.unraisablehook: counting must never cost a reader their
   page. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <time.h>

typedef struct {
    PyObject_HEAD
    PyObject *fields;   /* tuple of str: the environ keys to copy */
    PyObject *counts;   /* dict: (day, served, *values) -> [count] */
    PyObject *day;      /* what Python gave set_day: the day and its secret */
    PyObject *turn;     /* turn(new_day: bool) */
    PyObject *clock;    /* None: the system clock; else a callable returning seconds (tests move time so) */
    double ends;        /* when `day` is over, in seconds since the epoch */
    Py_ssize_t batch;
    vectorcallfunc vectorcall;
} Tally;

static int
read_clock(Tally *self, double *now)
{
    if (self->clock == Py_None) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        *now = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
        return 0;
    }
    PyObject *value = PyObject_CallNoArgs(self->clock);
    if (value == NULL) {
        return -1;
    }
    *now = PyFloat_AsDouble(value);
    Py_DECREF(value);
    return (*now == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

static int
call_turn(Tally *self, PyObject *new_day)
{
    PyObject *result = PyObject_CallOneArg(self->turn, new_day);
    Py_XDECREF(result);
    return result == NULL ? -1 : 0;
}

static int
add_view(Tally *self, PyObject *environ, PyObject *served)
{
    Py_ssize_t n = PyTuple_GET_SIZE(self->fields);
    PyObject *key = PyTuple_New(n + 2);
    if (key == NULL) {
        return -1;
    }
    PyTuple_SET_ITEM(key, 0, Py_NewRef(self->day));
    PyTuple_SET_ITEM(key, 1, Py_NewRef(served));
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *value = PyDict_GetItemWithError(environ, PyTuple_GET_ITEM(self->fields, i));
        if (value == NULL) {
            if (PyErr_Occurred()) {
                Py_DECREF(key);
                return -1;
            }
            value = Py_None;
        }
        PyTuple_SET_ITEM(key, i + 2, Py_NewRef(value));
    }
    int failed = 0;
    PyObject *count = PyDict_GetItemWithError(self->counts, key); /* borrowed */
    if (count != NULL) {
        /* Seen before in this batch: one lookup, and the count goes up in place. */
        PyObject *was = PyList_GET_ITEM(count, 0);
        PyObject *now = PyLong_FromSsize_t(PyLong_AsSsize_t(was) + 1);
        if (now == NULL) {
            failed = 1;
        } else {
            PyList_SET_ITEM(count, 0, now);
            Py_DECREF(was);
        }
    } else if (PyErr_Occurred()) {
        failed = 1;
    } else {
        PyObject *one = PyLong_FromLong(1);
        count = one == NULL ? NULL : PyList_New(1);
        if (count == NULL) {
            Py_XDECREF(one);
            failed = 1;
        } else {
            PyList_SET_ITEM(count, 0, one);
            failed = PyDict_SetItem(self->counts, key, count) < 0;
            Py_DECREF(count);
        }
    }
    Py_DECREF(key);
    return failed ? -1 : 0;
}

static PyObject *
tally_vectorcall(PyObject *op, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Tally *self = (Tally *)op;
    if (PyVectorcall_NARGS(nargsf) != 2 || kwnames != NULL) {
        PyErr_SetString(PyExc_TypeError, "Tally takes (environ, served)");
        return NULL;
    }
    double now;
    int failed = read_clock(self, &now) < 0;
    if (!failed && now >= self->ends) {
        failed = call_turn(self, Py_True) < 0;
    }
    if (!failed) {
        if (!PyDict_Check(args[0])) {
            PyErr_SetString(PyExc_TypeError, "environ must be a dict");
            failed = 1;
        } else {
            failed = add_view(self, args[0], args[1]) < 0;
        }
    }
    if (!failed && PyDict_GET_SIZE(self->counts) >= self->batch) {
        failed = call_turn(self, Py_False) < 0;
    }
    if (failed) {
        PyErr_WriteUnraisable(op);
    }
    Py_RETURN_NONE;
}

static PyObject *
tally_take(Tally *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *fresh = PyDict_New();
    if (fresh == NULL) {
        return NULL;
    }
    PyObject *taken = self->counts;
    self->counts = fresh;
    return taken;
}

static PyObject *
tally_set_day(Tally *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "set_day(ends, day)");
        return NULL;
    }
    double ends = PyFloat_AsDouble(args[0]);
    if (ends == -1.0 && PyErr_Occurred()) {
        return NULL;
    }
    self->ends = ends;
    Py_SETREF(self->day, Py_NewRef(args[1]));
    Py_RETURN_NONE;
}

static int
tally_init(Tally *self, PyObject *args, PyObject *kwds)
{
    static char *names[] = {"fields", "batch", "turn", NULL};
    PyObject *fields, *turn;
    Py_ssize_t batch;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!nO:Tally", names, &PyTuple_Type, &fields, &batch, &turn)) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(fields); i++) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(fields, i))) {
            PyErr_SetString(PyExc_TypeError, "fields must be strings");
            return -1;
        }
    }
    PyObject *counts = PyDict_New();
    if (counts == NULL) {
        return -1;
    }
    Py_XSETREF(self->counts, counts);
    Py_XSETREF(self->fields, Py_NewRef(fields));
    Py_XSETREF(self->turn, Py_NewRef(turn));
    Py_XSETREF(self->day, Py_NewRef(Py_None));
    Py_XSETREF(self->clock, Py_NewRef(Py_None));
    self->ends = 0.0;
    self->batch = batch < 1 ? 1 : batch;
    self->vectorcall = tally_vectorcall;
    return 0;
}

static PyObject *
tally_get_waiting(Tally *self, void *Py_UNUSED(closure))
{
    return PyLong_FromSsize_t(PyDict_GET_SIZE(self->counts));
}

static PyObject *
tally_get_clock(Tally *self, void *Py_UNUSED(closure))
{
    return Py_NewRef(self->clock);
}

static int
tally_set_clock(Tally *self, PyObject *value, void *Py_UNUSED(closure))
{
    if (value == NULL || (value != Py_None && !PyCallable_Check(value))) {
        PyErr_SetString(PyExc_TypeError, "clock must be None or a callable");
        return -1;
    }
    Py_SETREF(self->clock, Py_NewRef(value));
    return 0;
}

static int
tally_traverse(Tally *self, visitproc visit, void *arg)
{
    Py_VISIT(self->fields);
    Py_VISIT(self->counts);
    Py_VISIT(self->day);
    Py_VISIT(self->turn);
    Py_VISIT(self->clock);
    return 0;
}

static int
tally_clear(Tally *self)
{
    Py_CLEAR(self->fields);
    Py_CLEAR(self->counts);
    Py_CLEAR(self->day);
    Py_CLEAR(self->turn);
    Py_CLEAR(self->clock);
    return 0;
}

static void
tally_dealloc(Tally *self)
{
    PyObject_GC_UnTrack(self);
    tally_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef tally_methods[] = {
    {"take", (PyCFunction)tally_take, METH_NOARGS,
     "The views counted so far, {(day, served, *values): [count]}; counting starts afresh."},
    {"set_day", (PyCFunction)(void (*)(void))tally_set_day, METH_FASTCALL,
     "set_day(ends, day): the day views are counted in, until the clock reaches `ends`."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef tally_getset[] = {
    {"waiting", (getter)tally_get_waiting, NULL, "How many different views wait.", NULL},
    {"clock", (getter)tally_get_clock, (setter)tally_set_clock, "None (the system clock) or a callable.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject TallyType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "sampan.stats._fastcount.Tally",
    .tp_doc = "Tally(fields, batch, turn): counts page views by the WSGI fields named (see _fastcount.c).",
    .tp_basicsize = sizeof(Tally),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)tally_init,
    .tp_dealloc = (destructor)tally_dealloc,
    .tp_traverse = (traverseproc)tally_traverse,
    .tp_clear = (inquiry)tally_clear,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(Tally, vectorcall),
    .tp_methods = tally_methods,
    .tp_getset = tally_getset,
};

static struct PyModuleDef fastcount_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_fastcount",
    .m_doc = "Page views counted in C (sampan/stats/recorder.py falls back to Python without it).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__fastcount(void)
{
    if (PyType_Ready(&TallyType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&fastcount_module);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddObjectRef(module, "Tally", (PyObject *)&TallyType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
