// One live migration with SimGrid 3.32's VM live-migration plugin, printed as one CSV line.
// The reference peer for DcSim's pre-copy model (issue 12, "Against SimGrid"); see README.md.
//
//   migrate RAM_GIB DIRTY_MBPS LINK_GBPS [--wss GIB] [--compete none|fwd|rev] [--sharing splitduplex|shared]
//           [--latency-us US] [--header]
//
// Units: GiB = 2^30 bytes, MB/s = 10^6 bytes/s, Gb/s = 10^9 bits/s.
#include <simgrid/plugins/live_migration.h>
#include <simgrid/s4u.hpp>
#include <simgrid/s4u/VirtualMachine.hpp>
#include <xbt/log.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

namespace sg4 = simgrid::s4u;

namespace {

constexpr double kGiB = 1073741824.0;
constexpr double kHostSpeed = 1e9;  // flop/s; only the ratio dirty bytes per flop matters
const char* kMigrationMailbox = "__mbox_mig_src_dst:";

struct Case {
  double ram_gib = 0;
  double dirty_mbps = 0;
  double link_gbps = 0;
  double wss_gib = -1;  // default: the whole RAM
  std::string compete = "none";
  std::string sharing = "splitduplex";
  double latency_us = 10;
};

// (Comm::on_start is declared in 3.32 but not exported by libsimgrid.so: Comm::on_send is used.)
// What the plugin's transfers and the VM's state changes tell us (the plugin exposes no counters).
struct Observed {
  double start = -1, suspend = -1, resume = -1, end = -1;
  double stage1_end = -1;
  int comms = 0, comms_done = 0;
  double bytes = 0;
};
Observed seen;

bool is_migration_comm(const sg4::Comm& c)
{
  return c.get_mailbox() != nullptr && c.get_mailbox()->get_name().rfind(kMigrationMailbox, 0) == 0;
}

[[noreturn]] void usage()
{
  std::fprintf(stderr, "usage: migrate RAM_GIB DIRTY_MBPS LINK_GBPS [--wss GIB] [--compete none|fwd|rev] "
                       "[--sharing splitduplex|shared] [--latency-us US] [--header]\n");
  std::exit(2);
}

void print_header()
{
  std::printf("ram_gib,dirty_mbps,link_gbps,wss_gib,compete,sharing,latency_us,total_s,downtime_s,rounds,"
              "bytes_sent,stage1_s,outcome\n");
}

Case the_case;

// Stage 1 and stage 3 are one transfer each; every other transfer on the mailbox is a stage-2 round.
void print_result(double total, double downtime, int rounds, const char* outcome)
{
  const Case& c = the_case;
  char line[512];
  int n = std::snprintf(line, sizeof line, "%g,%g,%g,%g,%s,%s,%g,%.9f,%.9f,%d,%.0f,%.9f,%s\n", c.ram_gib,
                        c.dirty_mbps, c.link_gbps, c.wss_gib, c.compete.c_str(), c.sharing.c_str(), c.latency_us, total,
                        downtime, rounds, seen.bytes, seen.stage1_end - seen.start, outcome);
  if (write(1, line, n) != n)
    std::_Exit(3);
}

// A migration that never converges reaches the plugin's 10^7 s timeout; the receiving actor then dies of an
// uncaught TimeoutException and SimGrid aborts the process. Print what was seen up to then, marked "aborted"
// (no downtime: the VM was never suspended; rounds = completed stage-2 rounds; bytes include the round cut
// by the timeout in full), and exit 0 so the grid runs on.
extern "C" void on_abort(int)
{
  print_result(sg4::Engine::get_clock() - seen.start, -1, seen.comms - 2, "aborted");
  std::_Exit(0);
}

// The VM computes at full host speed for longer than any migration, so it dirties memory at a constant
// rate: the plugin counts dirty bytes as flops computed x (migration speed x intensity / host speed).
void workload(sg4::VirtualMachine* vm)
{
  sg4::this_actor::exec_init(kHostSpeed * 1e8)->set_host(vm)->start()->wait();
}

// A bulk transfer that lasts through the migration (the "competing traffic" case).
void bulk_sender()
{
  sg4::Mailbox::by_name("bulk")->put(new int(0), 1e18);
}

void bulk_receiver()
{
  sg4::Mailbox::by_name("bulk")->get_unique<int>();
}

void migrator(sg4::VirtualMachine* vm, sg4::Host* dst)
{
  seen.start = sg4::Engine::get_clock();
  sg_vm_migrate(vm, dst);
  seen.end = sg4::Engine::get_clock();
}

}  // namespace

int main(int argc, char** argv)
{
  std::vector<std::string> positional;
  Case c;
  bool header = false;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc)
        usage();
      return argv[++i];
    };
    if (a == "--wss")
      c.wss_gib = std::stod(next());
    else if (a == "--compete")
      c.compete = next();
    else if (a == "--sharing")
      c.sharing = next();
    else if (a == "--latency-us")
      c.latency_us = std::stod(next());
    else if (a == "--header")
      header = true;
    else if (a.rfind("--", 0) == 0)
      usage();
    else
      positional.push_back(a);
  }
  if (positional.size() != 3 || (c.compete != "none" && c.compete != "fwd" && c.compete != "rev") ||
      (c.sharing != "splitduplex" && c.sharing != "shared"))
    usage();
  c.ram_gib = std::stod(positional[0]);
  c.dirty_mbps = std::stod(positional[1]);
  c.link_gbps = std::stod(positional[2]);
  if (c.wss_gib < 0)
    c.wss_gib = c.ram_gib;

  // The LV08 model's factors, set explicitly so the run does not depend on SimGrid's defaults
  // (they equal the 3.32 defaults: src/surf/network_cm02.cpp, src/kernel/resource/NetworkModel.cpp).
  int sg_argc = 1;
  char* sg_argv[] = {argv[0], nullptr};
  the_case = c;
  sg4::Engine e(&sg_argc, sg_argv);
  xbt_log_control_set("xbt_cfg.thres:warning");
  e.set_config("network/model:LV08");
  e.set_config("network/bandwidth-factor:0.97");
  e.set_config("network/latency-factor:13.01");
  e.set_config("network/weight-S:20537");
  e.set_config("network/TCP-gamma:4194304");
  e.set_config("network/crosstraffic:1");
  sg_vm_live_migration_plugin_init();

  const double link_Bps = c.link_gbps * 1e9 / 8;
  auto* zone = sg4::create_full_zone("dc");
  auto* src = zone->create_host("src", kHostSpeed)->seal();
  auto* dst = zone->create_host("dst", kHostSpeed)->seal();
  // Ethernet is full duplex: a split-duplex link gives each direction its own capacity. "shared" is
  // SimGrid's default link, where both directions share one capacity (an option, to show the difference).
  if (c.sharing == "shared") {
    auto* link = zone->create_link("wire", link_Bps)->set_latency(c.latency_us * 1e-6)->seal();
    zone->add_route(src->get_netpoint(), dst->get_netpoint(), nullptr, nullptr, {sg4::LinkInRoute(link)}, true);
  } else {
    auto* link = zone->create_split_duplex_link("wire", link_Bps);
    link->set_latency(c.latency_us * 1e-6)->seal();
    zone->add_route(src->get_netpoint(), dst->get_netpoint(), nullptr, nullptr,
                    {{link, sg4::LinkInRoute::Direction::UP}}, true);
  }
  zone->seal();

  auto* vm = src->create_vm("vm", 1, static_cast<size_t>(c.ram_gib * kGiB));
  vm->start();
  // The migration speed caps each transfer (set_rate) and scales the dirty rate; at the link's nominal
  // rate it never binds (the network model divides it by the bandwidth factor: 1/0.97 above the link).
  sg_vm_set_migration_speed(vm, link_Bps);
  sg_vm_set_dirty_page_intensity(vm, c.dirty_mbps * 1e6 / link_Bps);
  sg_vm_set_working_set_memory(vm, static_cast<sg_size_t>(c.wss_gib * kGiB));

  sg4::Comm::on_send_cb([](const sg4::Comm& comm) {
    if (not is_migration_comm(comm))
      return;
    seen.comms++;
    seen.bytes += comm.get_remaining();
  });
  sg4::Activity::on_completion_cb([](const sg4::Activity& a) {
    const auto* comm = dynamic_cast<const sg4::Comm*>(&a);
    if (comm == nullptr || not is_migration_comm(*comm))
      return;
    if (++seen.comms_done == 1)
      seen.stage1_end = sg4::Engine::get_clock();
  });
  sg4::VirtualMachine::on_suspend_cb([](const sg4::VirtualMachine&) { seen.suspend = sg4::Engine::get_clock(); });
  sg4::VirtualMachine::on_resume_cb([](const sg4::VirtualMachine&) { seen.resume = sg4::Engine::get_clock(); });

  if (header)
    print_header();
  std::fflush(stdout);
  std::signal(SIGABRT, on_abort);
  sg4::Actor::create("workload", vm, workload, vm)->daemonize();
  if (c.compete == "fwd") {
    sg4::Actor::create("bulk-tx", src, bulk_sender)->daemonize();
    sg4::Actor::create("bulk-rx", dst, bulk_receiver)->daemonize();
  } else if (c.compete == "rev") {
    sg4::Actor::create("bulk-tx", dst, bulk_sender)->daemonize();
    sg4::Actor::create("bulk-rx", src, bulk_receiver)->daemonize();
  }
  sg4::Actor::create("migrator", src, migrator, vm, dst);
  e.run();

  print_result(seen.end - seen.start, seen.resume - seen.suspend, seen.comms - 2, "converged");
  return 0;
}
