// tcp-peer.cc -- the ns-3 (3.37, Debian package) peer of DcSim's TCP (issue 10).
//
// One program, four scenarios (--scenario=single|incast|dctcp|websearch), all on DcSim's
// leaf-spine network model: S spines, L leaves, H hosts per leaf, point-to-point links,
// store-and-forward, tail-drop output queues counted in packets WAITING behind the one on
// the wire (DcSim's convention), IPv4 global routing plus per-flow ECMP at the leaves.
// Every run prints one JSON line to stdout; traces go to files named by --out.
// README.md next to this file documents every setting and the correspondence with DcSim.

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

// ---------------------------------------------------------------- settings

struct Settings
{
    std::string scenario = "single";
    uint32_t spines = 1;
    uint32_t leaves = 2;
    uint32_t hostsPerLeaf = 1;
    std::string hostRate = "10Gbps";
    std::string hostDelay = "1us";
    std::string fabricRate = "10Gbps";
    std::string fabricDelay = "1us";
    std::string hostQueue = "1000";  // packets waiting at a host NIC
    std::string switchQueue = "100"; // packets waiting at a switch port ("1MB": bytes)
    uint32_t ecnK = 0;               // 0 = no ECN marking; else mark when >= K packets wait
    std::string framing = "ns3";     // ns3 | scale | gap  (--dcsim-framing=1 means scale)
    bool dcsimFraming = false;
    std::string cc = "newreno";
    std::string minRto = "200ms";
    std::string clockGranularity = "1ms";
    uint32_t segment = 1448;
    uint32_t initCwnd = 10;
    uint32_t sndBuf = 4 << 20;
    uint32_t rcvBuf = 4 << 20;
    uint32_t delAckCount = 1;
    std::string delAckTimeout = "40ms";
    bool sack = true;
    bool timestamps = true;
    uint32_t dataRetries = 15;
    std::string connTimeout = "1s";
    double dctcpG = 1.0 / 16;
    uint64_t seed = 1;
    double duration = 1.0;  // single, dctcp: simulated seconds of traffic
    double warmup = 0.1;    // excluded from goodput and queue statistics
    std::string sample = "10us"; // queue sampling period
    uint32_t traceRows = 2000;   // rows per trace file
    std::string out = "tcp-peer";
    // incast
    uint32_t senders = 16;
    uint32_t rounds = 10;
    uint32_t requestBytes = 64;
    uint64_t responseBytes = 64 * 1024;
    std::string jitter = "0s";
    // dctcp
    uint32_t flows = 2;
    // websearch
    std::string cdf = "config/scenarios/cdf/websearch.txt";
    double load = 0.3;
    double simTime = 0.1;
    double drainCap = 2.0;
    bool flowCsv = true;
};

Settings g;

// ---------------------------------------------------------------- small helpers

double
Percentile(std::vector<double> v, double p)
{
    if (v.empty())
    {
        return 0;
    }
    std::sort(v.begin(), v.end());
    double rank = p / 100.0 * (v.size() - 1);
    size_t lo = static_cast<size_t>(std::floor(rank));
    size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (rank - lo);
}

double
Mean(const std::vector<double>& v)
{
    double s = 0;
    for (double x : v)
    {
        s += x;
    }
    return v.empty() ? 0 : s / v.size();
}

/// Builds one JSON object incrementally (numbers and strings only).
class Json
{
  public:
    Json& Num(const std::string& k, double v)
    {
        std::ostringstream o;
        o.precision(10);
        o << v;
        return Raw(k, std::isfinite(v) ? o.str() : "null");
    }

    Json& Int(const std::string& k, uint64_t v)
    {
        return Raw(k, std::to_string(v));
    }

    Json& Str(const std::string& k, const std::string& v)
    {
        return Raw(k, "\"" + v + "\"");
    }

    Json& Raw(const std::string& k, const std::string& v)
    {
        m_s << (m_first ? "{" : ",") << "\"" << k << "\":" << v;
        m_first = false;
        return *this;
    }

    std::string Done()
    {
        return m_s.str() + "}";
    }

  private:
    std::ostringstream m_s;
    bool m_first = true;
};

/// Writes (time, value) rows, keeping at most g.traceRows evenly spaced rows.
void
WriteTrace(const std::string& path,
           const std::string& header,
           const std::vector<std::pair<double, double>>& rows)
{
    std::ofstream f(path);
    f << header << "\n";
    size_t stride = std::max<size_t>(1, (rows.size() + g.traceRows - 1) / g.traceRows);
    for (size_t i = 0; i < rows.size(); i += stride)
    {
        f << rows[i].first << "," << rows[i].second << "\n";
    }
}

// ---------------------------------------------------------------- TCP socket statistics

/// Per-sending-socket counters from the TcpSocketBase "Tx" and "CongState" trace sources:
/// a data segment that does not advance the highest sequence sent is a retransmission;
/// an entry into CA_LOSS is a retransmission timeout.
struct SockStats
{
    SequenceNumber32 highest{0};
    bool any = false;
    uint64_t retransmits = 0;
    uint64_t timeouts = 0;
    uint64_t fastRecoveries = 0;
};

std::vector<SockStats*> g_sockStats;

void
OnTcpTx(SockStats* s, Ptr<const Packet> p, const TcpHeader& h, Ptr<const TcpSocketBase>)
{
    if (p->GetSize() == 0)
    {
        return;
    }
    SequenceNumber32 end = h.GetSequenceNumber() + p->GetSize();
    if (s->any && end <= s->highest)
    {
        ++s->retransmits;
    }
    if (!s->any || end > s->highest)
    {
        s->highest = end;
        s->any = true;
    }
}

void
OnCongState(SockStats* s, TcpSocketState::TcpCongState_t, TcpSocketState::TcpCongState_t now)
{
    if (now == TcpSocketState::CA_LOSS)
    {
        ++s->timeouts;
    }
    else if (now == TcpSocketState::CA_RECOVERY)
    {
        ++s->fastRecoveries;
    }
}

SockStats*
Watch(Ptr<Socket> socket)
{
    auto* s = new SockStats();
    g_sockStats.push_back(s);
    socket->TraceConnectWithoutContext("Tx", MakeBoundCallback(&OnTcpTx, s));
    socket->TraceConnectWithoutContext("CongState", MakeBoundCallback(&OnCongState, s));
    return s;
}

void
AddSockTotals(Json& j)
{
    uint64_t r = 0;
    uint64_t t = 0;
    uint64_t f = 0;
    for (auto* s : g_sockStats)
    {
        r += s->retransmits;
        t += s->timeouts;
        f += s->fastRecoveries;
    }
    j.Int("retransmits", r).Int("timeouts", t).Int("fastRecoveries", f);
}

// ---------------------------------------------------------------- per-flow ECMP at the leaves

/// ns-3 3.37's Ipv4GlobalRouting offers only per-PACKET random ECMP (RandomEcmpRouting), which
/// reorders TCP. This protocol, put in each leaf's Ipv4ListRouting above global routing, sends a
/// packet bound for a host on another leaf to the uplink chosen by a hash of its 5-tuple (like
/// DcSim's per-flow ECMP); everything else falls through to global routing.
class LeafEcmpRouting : public Ipv4RoutingProtocol
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("LeafEcmpRouting").SetParent<Ipv4RoutingProtocol>();
        return tid;
    }

    uint32_t leaf = 0;
    uint64_t salt = 0;
    const std::map<uint32_t, uint32_t>* hostLeaf = nullptr; // host address -> leaf
    std::vector<Ptr<NetDevice>> uplink;                     // by spine
    std::vector<Ipv4Address> uplinkSrc;
    std::vector<Ipv4Address> spineAddr;

    Ptr<Ipv4Route> RouteOutput(Ptr<Packet>, const Ipv4Header&, Ptr<NetDevice>, Socket::SocketErrno& e) override
    {
        e = Socket::ERROR_NOROUTETOHOST;
        return nullptr;
    }

    bool RouteInput(Ptr<const Packet> p,
                    const Ipv4Header& h,
                    Ptr<const NetDevice>,
                    UnicastForwardCallback ucb,
                    MulticastForwardCallback,
                    LocalDeliverCallback,
                    ErrorCallback) override
    {
        auto it = hostLeaf->find(h.GetDestination().Get());
        if (it == hostLeaf->end() || it->second == leaf || uplink.empty())
        {
            return false;
        }
        uint8_t ports[4] = {0, 0, 0, 0};
        if (p->GetSize() >= 4)
        {
            p->CopyData(ports, 4);
        }
        uint64_t x = salt ^ (uint64_t(h.GetSource().Get()) << 32) ^ h.GetDestination().Get();
        x ^= (uint64_t(ports[0]) << 24 | uint64_t(ports[1]) << 16 | uint64_t(ports[2]) << 8 | ports[3]) * 0x9E3779B97F4A7C15ULL;
        x ^= uint64_t(h.GetProtocol()) << 56;
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdULL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53ULL;
        x ^= x >> 33;
        uint32_t s = static_cast<uint32_t>(x % uplink.size());
        Ptr<Ipv4Route> r = Create<Ipv4Route>();
        r->SetDestination(h.GetDestination());
        r->SetGateway(spineAddr[s]);
        r->SetSource(uplinkSrc[s]);
        r->SetOutputDevice(uplink[s]);
        ucb(r, p, h);
        return true;
    }

    void NotifyInterfaceUp(uint32_t) override {}
    void NotifyInterfaceDown(uint32_t) override {}
    void NotifyAddAddress(uint32_t, Ipv4InterfaceAddress) override {}
    void NotifyRemoveAddress(uint32_t, Ipv4InterfaceAddress) override {}
    void SetIpv4(Ptr<Ipv4>) override {}
    void PrintRoutingTable(Ptr<OutputStreamWrapper>, Time::Unit) const override {}
};

// ---------------------------------------------------------------- the leaf-spine fabric

/// DcSim's frame on the wire is payload + 90 B (TCP 32 + IP 20 + Ethernet 18 + preamble/gap 20);
/// ns-3's point-to-point frame is payload + 54 B (TCP 32 + IP 20 + PPP 2).
constexpr double kNs3Overhead = 54;
constexpr double kDcsimOverhead = 90;

struct Port
{
    Ptr<PointToPointNetDevice> dev;
    Ptr<QueueDisc> red; // only on switch ports when ECN is on
    uint64_t drops = 0;
};

struct Fabric
{
    NodeContainer spines;
    NodeContainer leaves;
    NodeContainer hosts;
    std::vector<Ipv4Address> hostAddr;
    std::vector<Port*> hostNic;                 // [host]
    std::vector<Port*> leafDown;                // [host]: the leaf's port towards the host
    std::vector<std::vector<Port*>> leafUp;     // [leaf][spine]
    std::vector<std::vector<Port*>> spineDown;  // [spine][leaf]
    std::map<uint32_t, uint32_t> hostLeaf;
    double hostBps = 0;   // effective ns-3 rates after framing
    double fabricBps = 0;
    double hostGapS = 0;  // InterframeGap seconds (framing=gap)
    double fabricGapS = 0;
    std::vector<Port*> switchPorts;
    // Without a queue disc, ns-3 drops a packet whose device queue is full (stopped) in the
    // node's TrafficControlLayer ("TcDrop" trace), not in the device queue.
    uint64_t switchTcDrops = 0;
    uint64_t hostTcDrops = 0;
    std::vector<uint64_t> spineTx; // packets each spine transmitted (shows the ECMP spread)

    uint32_t Leaf(uint32_t host) const
    {
        return host / g.hostsPerLeaf;
    }

    /// Seconds a segment with this payload occupies a link in ns-3 as configured.
    double FrameTime(double payload, bool host) const
    {
        return (payload + kNs3Overhead) * 8 / (host ? hostBps : fabricBps) + (host ? hostGapS : fabricGapS);
    }

    uint64_t SwitchDrops() const
    {
        uint64_t d = switchTcDrops;
        for (auto* p : switchPorts)
        {
            d += p->drops;
        }
        return d;
    }
};

void
OnTcDrop(uint64_t* n, Ptr<const Packet>)
{
    ++*n;
}

void
OnSpineTx(uint64_t* n, Ptr<const Packet>)
{
    ++*n;
}

void
OnDrop(Port* p, Ptr<const Packet>)
{
    ++p->drops;
}

void
OnQdDrop(Port* p, Ptr<const QueueDiscItem>)
{
    ++p->drops;
}

QueueSize
ParseLimit(const std::string& s)
{
    bool digits = !s.empty() && std::all_of(s.begin(), s.end(), ::isdigit);
    return QueueSize(digits ? s + "p" : s);
}

/// A port's queue in DcSim's sense (Q packets waiting behind the one on the wire):
///  - without ECN: no queue disc; the device's DropTailQueue of Q packets (the device dequeues
///    the packet it transmits, so the queue holds exactly the waiting ones);
///  - with ECN (switch ports): a 1-packet device queue plus a RED queue disc of Q-1 packets that
///    marks (QW=1, MinTh=MaxTh=K-1, Gentle=false) when >= K packets wait.
Port*
MakePort(Ptr<NetDevice> nd, const std::string& limit, bool isSwitch)
{
    auto* port = new Port();
    port->dev = DynamicCast<PointToPointNetDevice>(nd);
    QueueSize q = ParseLimit(limit);
    bool ecn = isSwitch && g.ecnK > 0;
    if (!ecn)
    {
        port->dev->GetQueue()->SetMaxSize(q);
    }
    else
    {
        if (q.GetUnit() != QueueSizeUnit::PACKETS || q.GetValue() < 2 || g.ecnK < 3 || g.ecnK > q.GetValue())
        {
            NS_FATAL_ERROR("ECN needs a switch queue in packets >= 2 and 3 <= K <= queue");
        }
        port->dev->GetQueue()->SetMaxSize(QueueSize("1p"));
        TrafficControlHelper tch;
        tch.SetRootQueueDisc("ns3::RedQueueDisc",
                             "MaxSize", QueueSizeValue(QueueSize(QueueSizeUnit::PACKETS, q.GetValue() - 1)),
                             "MinTh", DoubleValue(g.ecnK - 1),
                             "MaxTh", DoubleValue(g.ecnK - 1),
                             "QW", DoubleValue(1.0),
                             "Gentle", BooleanValue(false),
                             "UseEcn", BooleanValue(true),
                             "UseHardDrop", BooleanValue(false),
                             "MeanPktSize", UintegerValue(g.segment + 54));
        port->red = tch.Install(nd).Get(0);
        port->red->TraceConnectWithoutContext("Drop", MakeBoundCallback(&OnQdDrop, port));
    }
    port->dev->GetQueue()->TraceConnectWithoutContext("Drop", MakeBoundCallback(&OnDrop, port));
    return port;
}

uint32_t
QueueLen(const Port* p)
{
    return p->dev->GetQueue()->GetNPackets() + (p->red ? p->red->GetNPackets() : 0);
}

Fabric*
BuildFabric()
{
    auto* f = new Fabric();
    f->spines.Create(g.spines);
    f->leaves.Create(g.leaves);
    f->hosts.Create(g.leaves * g.hostsPerLeaf);
    InternetStackHelper stack;
    stack.InstallAll();
    for (uint32_t i = 0; i < NodeList::GetNNodes(); ++i)
    {
        Ptr<Node> n = NodeList::GetNode(i);
        bool host = i >= g.spines + g.leaves;
        n->GetObject<TrafficControlLayer>()->TraceConnectWithoutContext(
            "TcDrop", MakeBoundCallback(&OnTcDrop, host ? &f->hostTcDrops : &f->switchTcDrops));
    }

    double hostBps = DataRate(g.hostRate).GetBitRate();
    double fabricBps = DataRate(g.fabricRate).GetBitRate();
    double scale = g.framing == "scale" ? (g.segment + kNs3Overhead) / (g.segment + kDcsimOverhead) : 1.0;
    f->hostBps = hostBps * scale;
    f->fabricBps = fabricBps * scale;
    if (g.framing == "gap")
    {
        f->hostGapS = (kDcsimOverhead - kNs3Overhead) * 8 / hostBps;
        f->fabricGapS = (kDcsimOverhead - kNs3Overhead) * 8 / fabricBps;
    }
    PointToPointHelper hostLink;
    hostLink.SetDeviceAttribute("DataRate", DataRateValue(DataRate(static_cast<uint64_t>(f->hostBps))));
    hostLink.SetDeviceAttribute("InterframeGap", TimeValue(Seconds(f->hostGapS)));
    hostLink.SetChannelAttribute("Delay", StringValue(g.hostDelay));
    PointToPointHelper fabricLink;
    fabricLink.SetDeviceAttribute("DataRate", DataRateValue(DataRate(static_cast<uint64_t>(f->fabricBps))));
    fabricLink.SetDeviceAttribute("InterframeGap", TimeValue(Seconds(f->fabricGapS)));
    fabricLink.SetChannelAttribute("Delay", StringValue(g.fabricDelay));

    Ipv4AddressHelper addr("10.0.0.0", "255.255.255.252");
    TrafficControlHelper none;
    f->hostAddr.resize(f->hosts.GetN());
    f->hostNic.resize(f->hosts.GetN());
    f->leafDown.resize(f->hosts.GetN());
    f->leafUp.assign(g.leaves, std::vector<Port*>(g.spines));
    f->spineDown.assign(g.spines, std::vector<Port*>(g.leaves));
    std::vector<std::vector<Ipv4Address>> upSrc(g.leaves, std::vector<Ipv4Address>(g.spines));
    std::vector<std::vector<Ipv4Address>> upGw(g.leaves, std::vector<Ipv4Address>(g.spines));
    for (uint32_t l = 0; l < g.leaves; ++l)
    {
        for (uint32_t h = 0; h < g.hostsPerLeaf; ++h)
        {
            uint32_t hi = l * g.hostsPerLeaf + h;
            NetDeviceContainer d = hostLink.Install(f->hosts.Get(hi), f->leaves.Get(l));
            Ipv4InterfaceContainer ifc = addr.Assign(d);
            addr.NewNetwork();
            none.Uninstall(d); // Assign installed the default FqCoDel root queue disc
            f->hostAddr[hi] = ifc.GetAddress(0);
            f->hostLeaf[ifc.GetAddress(0).Get()] = l;
            f->hostNic[hi] = MakePort(d.Get(0), g.hostQueue, false);
            f->leafDown[hi] = MakePort(d.Get(1), g.switchQueue, true);
            f->switchPorts.push_back(f->leafDown[hi]);
        }
        for (uint32_t s = 0; s < g.spines; ++s)
        {
            NetDeviceContainer d = fabricLink.Install(f->leaves.Get(l), f->spines.Get(s));
            Ipv4InterfaceContainer ifc = addr.Assign(d);
            addr.NewNetwork();
            none.Uninstall(d);
            upSrc[l][s] = ifc.GetAddress(0);
            upGw[l][s] = ifc.GetAddress(1);
            f->leafUp[l][s] = MakePort(d.Get(0), g.switchQueue, true);
            f->spineDown[s][l] = MakePort(d.Get(1), g.switchQueue, true);
            f->switchPorts.push_back(f->leafUp[l][s]);
            f->switchPorts.push_back(f->spineDown[s][l]);
        }
    }
    f->spineTx.assign(g.spines, 0);
    for (uint32_t s = 0; s < g.spines; ++s)
    {
        for (uint32_t l = 0; l < g.leaves; ++l)
        {
            f->spineDown[s][l]->dev->TraceConnectWithoutContext("PhyTxEnd", MakeBoundCallback(&OnSpineTx, &f->spineTx[s]));
        }
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    if (g.spines > 1)
    {
        for (uint32_t l = 0; l < g.leaves; ++l)
        {
            Ptr<Ipv4> ip = f->leaves.Get(l)->GetObject<Ipv4>();
            Ptr<LeafEcmpRouting> r = CreateObject<LeafEcmpRouting>();
            r->leaf = l;
            r->salt = g.seed * 0x9E3779B97F4A7C15ULL;
            r->hostLeaf = &f->hostLeaf;
            for (uint32_t s = 0; s < g.spines; ++s)
            {
                r->uplink.push_back(f->leafUp[l][s]->dev);
                r->uplinkSrc.push_back(upSrc[l][s]);
                r->spineAddr.push_back(upGw[l][s]);
            }
            DynamicCast<Ipv4ListRouting>(ip->GetRoutingProtocol())->AddRoutingProtocol(r, 100);
        }
    }
    return f;
}

// ---------------------------------------------------------------- TCP configuration

void
ConfigureTcp()
{
    std::string type = g.cc == "newreno" ? "ns3::TcpNewReno"
                       : g.cc == "cubic" ? "ns3::TcpCubic"
                       : g.cc == "dctcp" ? "ns3::TcpDctcp"
                                         : "";
    if (type.empty())
    {
        NS_FATAL_ERROR("unknown --cc " << g.cc << " (newreno|cubic|dctcp)");
    }
    Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TypeId::LookupByName(type)));
    Config::SetDefault("ns3::TcpL4Protocol::RecoveryType",
                       TypeIdValue(TypeId::LookupByName("ns3::TcpClassicRecovery")));
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(g.segment));
    Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(g.initCwnd));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(g.sndBuf));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(g.rcvBuf));
    Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(g.delAckCount));
    Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(Time(g.delAckTimeout)));
    Config::SetDefault("ns3::TcpSocket::TcpNoDelay", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocket::DataRetries", UintegerValue(g.dataRetries));
    Config::SetDefault("ns3::TcpSocket::ConnTimeout", TimeValue(Time(g.connTimeout)));
    Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(Time(g.minRto)));
    Config::SetDefault("ns3::TcpSocketBase::ClockGranularity", TimeValue(Time(g.clockGranularity)));
    Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(g.sack));
    Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(g.timestamps));
    Config::SetDefault("ns3::TcpSocketBase::WindowScaling", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::LimitedTransmit", BooleanValue(true));
    Config::SetDefault("ns3::TcpDctcp::DctcpShiftG", DoubleValue(g.dctcpG));
    Config::SetDefault("ns3::TcpDctcp::DctcpAlphaOnInit", DoubleValue(1.0));
    Config::SetDefault("ns3::TcpDctcp::UseEct0", BooleanValue(true));
    if (g.cc == "dctcp" && g.ecnK == 0)
    {
        std::fprintf(stderr, "warning: DCTCP without ECN marking (--ecn-k=0)\n");
    }
}

void
AddCommonJson(Json& j, const Fabric* f)
{
    j.Str("simulator", "ns-3.37")
        .Str("scenario", g.scenario)
        .Str("cc", g.cc)
        .Str("recovery", "TcpClassicRecovery")
        .Str("minRto", g.minRto)
        .Str("clockGranularity", g.clockGranularity)
        .Int("segment", g.segment)
        .Int("initCwnd", g.initCwnd)
        .Int("sndBuf", g.sndBuf)
        .Int("rcvBuf", g.rcvBuf)
        .Int("delAckCount", g.delAckCount)
        .Str("delAckTimeout", g.delAckTimeout)
        .Int("sack", g.sack)
        .Int("timestamps", g.timestamps)
        .Str("framing", g.framing)
        .Int("spines", g.spines)
        .Int("leaves", g.leaves)
        .Int("hostsPerLeaf", g.hostsPerLeaf)
        .Str("hostRate", g.hostRate)
        .Str("fabricRate", g.fabricRate)
        .Str("hostDelay", g.hostDelay)
        .Str("fabricDelay", g.fabricDelay)
        .Str("hostQueue", g.hostQueue)
        .Str("switchQueue", g.switchQueue)
        .Int("ecnK", g.ecnK)
        .Int("seed", g.seed)
        .Num("ns3HostBps", f->hostBps)
        .Num("ns3FabricBps", f->fabricBps);
}

/// Highest goodput (payload bits/s) a full-size-segment stream can reach on a link of nominal
/// rate `bps`, in DcSim's framing and in ns-3's framing as configured.
double
DcsimMaxGoodput(double bps)
{
    return bps * g.segment / (g.segment + kDcsimOverhead);
}

// ---------------------------------------------------------------- shared samplers

struct QueueSampler
{
    Port* port = nullptr;
    Time period;
    double warmup = 0;
    std::vector<double> samples; // after warmup
    std::vector<std::pair<double, double>> trace;

    void Tick()
    {
        double t = Simulator::Now().GetSeconds();
        double q = QueueLen(port);
        trace.emplace_back(t, q);
        if (t >= warmup)
        {
            samples.push_back(q);
        }
        Simulator::Schedule(period, &QueueSampler::Tick, this);
    }
};

struct CwndRecorder
{
    std::vector<std::pair<double, double>> rows;
    uint32_t last = g.initCwnd * g.segment;
    Time period;

    void Tick()
    {
        rows.emplace_back(Simulator::Now().GetSeconds(), last);
        Simulator::Schedule(period, &CwndRecorder::Tick, this);
    }
};

void
OnCwnd(CwndRecorder* r, uint32_t, uint32_t now)
{
    r->last = now;
}

struct RxMeter
{
    uint64_t total = 0;
    uint64_t afterWarmup = 0;
    double warmup = 0;
};

void
OnSinkRx(RxMeter* m, Ptr<const Packet> p, const Address&)
{
    m->total += p->GetSize();
    if (Simulator::Now().GetSeconds() >= m->warmup)
    {
        m->afterWarmup += p->GetSize();
    }
}

void
AddQueueJson(Json& j, const QueueSampler& q)
{
    j.Num("queueMeanPkts", Mean(q.samples))
        .Num("queueP5Pkts", Percentile(q.samples, 5))
        .Num("queueP50Pkts", Percentile(q.samples, 50))
        .Num("queueP95Pkts", Percentile(q.samples, 95))
        .Num("queueP99Pkts", Percentile(q.samples, 99))
        .Num("queueMaxPkts", q.samples.empty() ? 0 : *std::max_element(q.samples.begin(), q.samples.end()))
        .Int("queueSamples", q.samples.size());
}

/// Long flows (BulkSend, unlimited) from `senders` to host `receiver`; traces the first sender's
/// cwnd and the bottleneck port's queue; runs for g.duration.
std::string
RunLongFlows(Fabric* f, const std::vector<uint32_t>& senders, uint32_t receiver, Port* bottleneck, double bottleneckBps)
{
    const uint16_t port = 5000;
    PacketSinkHelper sinkH("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer sinkApp = sinkH.Install(f->hosts.Get(receiver));
    sinkApp.Start(Seconds(0));
    RxMeter meter;
    meter.warmup = g.warmup;
    sinkApp.Get(0)->TraceConnectWithoutContext("Rx", MakeBoundCallback(&OnSinkRx, &meter));

    std::vector<Ptr<BulkSendApplication>> apps;
    std::mt19937_64 rng(g.seed);
    std::uniform_real_distribution<double> offset(0, 10e-6); // de-synchronise starts
    for (uint32_t s : senders)
    {
        BulkSendHelper b("ns3::TcpSocketFactory", InetSocketAddress(f->hostAddr[receiver], port));
        b.SetAttribute("MaxBytes", UintegerValue(0));
        b.SetAttribute("SendSize", UintegerValue(g.segment));
        ApplicationContainer a = b.Install(f->hosts.Get(s));
        a.Start(Seconds(senders.size() > 1 ? offset(rng) : 0));
        apps.push_back(DynamicCast<BulkSendApplication>(a.Get(0)));
    }
    CwndRecorder cwnd;
    cwnd.period = Seconds(g.duration / g.traceRows);
    Simulator::Schedule(MicroSeconds(20), [&]() {
        for (auto& a : apps)
        {
            Watch(a->GetSocket());
        }
        apps[0]->GetSocket()->TraceConnectWithoutContext("CongestionWindow", MakeBoundCallback(&OnCwnd, &cwnd));
        cwnd.Tick();
    });
    QueueSampler qs;
    qs.port = bottleneck;
    qs.period = Time(g.sample);
    qs.warmup = g.warmup;
    Simulator::Schedule(Seconds(0), &QueueSampler::Tick, &qs);

    Simulator::Stop(Seconds(g.duration));
    auto t0 = std::chrono::steady_clock::now();
    Simulator::Run();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    WriteTrace(g.out + "-cwnd.csv", "time_s,cwnd_bytes", cwnd.rows);
    WriteTrace(g.out + "-queue.csv", "time_s,queue_pkts", qs.trace);

    Json j;
    AddCommonJson(j, f);
    double gp = meter.total * 8.0 / g.duration;
    double gpw = meter.afterWarmup * 8.0 / (g.duration - g.warmup);
    double ns3Max = bottleneckBps * g.segment / (g.segment + kNs3Overhead); // ns3 framing, nominal rate
    double effMax = g.segment * 8.0 / ((g.segment + kNs3Overhead) * 8 / (bottleneckBps * (g.framing == "scale" ? (g.segment + kNs3Overhead) / (g.segment + kDcsimOverhead) : 1.0))
                                       + (g.framing == "gap" ? (kDcsimOverhead - kNs3Overhead) * 8 / bottleneckBps : 0));
    j.Int("flows", senders.size())
        .Num("duration", g.duration)
        .Num("warmup", g.warmup)
        .Int("rxBytes", meter.total)
        .Num("goodputGbps", gp / 1e9)
        .Num("goodputAfterWarmupGbps", gpw / 1e9)
        .Num("bottleneckGbps", bottleneckBps / 1e9)
        .Num("maxGoodputThisFramingGbps", effMax / 1e9)
        .Num("maxGoodputNs3FramingGbps", ns3Max / 1e9)
        .Num("maxGoodputDcsimFramingGbps", DcsimMaxGoodput(bottleneckBps) / 1e9)
        .Num("goodputOfMaxAfterWarmup", gpw / effMax)
        .Num("goodputOfLineRateAfterWarmup", gpw / bottleneckBps)
        .Int("switchDrops", f->SwitchDrops()).Int("hostDrops", f->hostTcDrops);
    if (bottleneck->red)
    {
        j.Int("ecnMarks", bottleneck->red->GetStats().GetNMarkedPackets(RedQueueDisc::FORCED_MARK) +
                              bottleneck->red->GetStats().GetNMarkedPackets(RedQueueDisc::UNFORCED_MARK));
    }
    AddQueueJson(j, qs);
    AddSockTotals(j);
    j.Num("runWallS", wall).Int("events", Simulator::GetEventCount());
    return j.Done();
}

// ---------------------------------------------------------------- incast applications

/// Sender side of incast: accepts connections; for every `request` bytes received on one, it
/// answers with `response` bytes on the same connection.
class IncastSender : public Application
{
  public:
    uint16_t port = 6000;

  private:
    struct Conn
    {
        uint64_t rx = 0;
        uint64_t toSend = 0;
    };

    Ptr<Socket> m_listen;
    std::map<Ptr<Socket>, Conn> m_conns;

    void StartApplication() override
    {
        m_listen = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
        m_listen->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
        m_listen->Listen();
        m_listen->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                    MakeCallback(&IncastSender::Accept, this));
    }

    void StopApplication() override {}

    void Accept(Ptr<Socket> s, const Address&)
    {
        m_conns[s] = Conn();
        Watch(s);
        s->SetRecvCallback(MakeCallback(&IncastSender::Recv, this));
        s->SetSendCallback(MakeCallback(&IncastSender::Pump, this));
    }

    void Recv(Ptr<Socket> s)
    {
        Conn& c = m_conns[s];
        while (Ptr<Packet> p = s->Recv())
        {
            c.rx += p->GetSize();
            while (c.rx >= g.requestBytes)
            {
                c.rx -= g.requestBytes;
                c.toSend += g.responseBytes;
            }
        }
        Pump(s, s->GetTxAvailable());
    }

    void Pump(Ptr<Socket> s, uint32_t)
    {
        Conn& c = m_conns[s];
        while (c.toSend > 0)
        {
            uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(c.toSend, s->GetTxAvailable()));
            if (n == 0)
            {
                break;
            }
            int sent = s->Send(Create<Packet>(n));
            if (sent <= 0)
            {
                break;
            }
            c.toSend -= sent;
        }
    }
};

/// Aggregator side of incast: one persistent connection per sender; each round it sends every
/// sender a request (optionally jittered) and ends when every response has fully arrived.
class IncastAggregator : public Application
{
  public:
    std::vector<Address> peers;
    std::vector<double> qct;       // seconds, per round
    std::vector<double> roundStarts;
    double firstRoundAt = 0;

  private:
    std::vector<Ptr<Socket>> m_socks;
    std::map<Ptr<Socket>, uint32_t> m_index;
    std::vector<uint64_t> m_rx;
    uint32_t m_connected = 0;
    uint32_t m_done = 0;
    Time m_roundStart;
    std::mt19937_64 m_rng{g.seed};

    void StartApplication() override
    {
        m_rx.assign(peers.size(), 0);
        for (uint32_t i = 0; i < peers.size(); ++i)
        {
            Ptr<Socket> s = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
            s->Bind();
            s->SetConnectCallback(MakeCallback(&IncastAggregator::Connected, this),
                                  MakeCallback(&IncastAggregator::Failed, this));
            s->SetRecvCallback(MakeCallback(&IncastAggregator::Recv, this));
            s->Connect(peers[i]);
            m_index[s] = i;
            m_socks.push_back(s);
        }
    }

    void StopApplication() override {}

    void Connected(Ptr<Socket>)
    {
        if (++m_connected == peers.size())
        {
            // let the handshakes' last ACKs settle, then start the rounds
            Simulator::Schedule(MilliSeconds(1), &IncastAggregator::StartRound, this);
        }
    }

    void Failed(Ptr<Socket>)
    {
        NS_FATAL_ERROR("incast connection failed");
    }

    void StartRound()
    {
        m_roundStart = Simulator::Now();
        if (roundStarts.empty())
        {
            firstRoundAt = m_roundStart.GetSeconds();
        }
        roundStarts.push_back(m_roundStart.GetSeconds());
        m_done = 0;
        std::fill(m_rx.begin(), m_rx.end(), 0);
        double jitter = Time(g.jitter).GetSeconds();
        std::uniform_real_distribution<double> u(0, jitter);
        for (uint32_t i = 0; i < m_socks.size(); ++i)
        {
            Simulator::Schedule(Seconds(jitter > 0 ? u(m_rng) : 0), &IncastAggregator::Request, this, i);
        }
    }

    void Request(uint32_t i)
    {
        m_socks[i]->Send(Create<Packet>(g.requestBytes));
    }

    void Recv(Ptr<Socket> s)
    {
        uint32_t i = m_index[s];
        while (Ptr<Packet> p = s->Recv())
        {
            bool before = m_rx[i] >= g.responseBytes;
            m_rx[i] += p->GetSize();
            if (!before && m_rx[i] >= g.responseBytes && ++m_done == m_socks.size())
            {
                qct.push_back((Simulator::Now() - m_roundStart).GetSeconds());
                if (qct.size() < g.rounds)
                {
                    Simulator::ScheduleNow(&IncastAggregator::StartRound, this);
                }
                else
                {
                    Simulator::Stop();
                }
            }
        }
    }
};

std::string
RunIncast(Fabric* f)
{
    // host 0 is the aggregator; hosts 1..N answer
    uint32_t n = g.senders;
    auto agg = CreateObject<IncastAggregator>();
    for (uint32_t i = 1; i <= n; ++i)
    {
        auto s = CreateObject<IncastSender>();
        f->hosts.Get(i)->AddApplication(s);
        s->SetStartTime(Seconds(0));
        agg->peers.push_back(InetSocketAddress(f->hostAddr[i], s->port));
    }
    f->hosts.Get(0)->AddApplication(agg);
    agg->SetStartTime(MicroSeconds(10));
    QueueSampler qs;
    qs.port = f->leafDown[0];
    qs.period = Time(g.sample);
    qs.warmup = 0;
    Simulator::Schedule(Seconds(0), &QueueSampler::Tick, &qs);
    Simulator::Stop(Seconds(1000)); // guard; the aggregator stops the run after its last round
    auto t0 = std::chrono::steady_clock::now();
    Simulator::Run();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    Json j;
    AddCommonJson(j, f);
    std::vector<double> ms;
    for (double q : agg->qct)
    {
        ms.push_back(q * 1e3);
    }
    // ideal: the N responses back to back through the aggregator's port
    double segs = std::ceil(double(g.responseBytes) / g.segment);
    double idealS = n * (g.responseBytes + segs * kNs3Overhead) * 8 / f->hostBps;
    double total = double(n) * g.responseBytes * g.rounds;
    double busy = 0;
    for (double q : agg->qct)
    {
        busy += q;
    }
    std::ostringstream all;
    all << "[";
    for (size_t i = 0; i < ms.size(); ++i)
    {
        all << (i ? "," : "") << ms[i];
    }
    all << "]";
    j.Int("senders", n)
        .Int("rounds", g.rounds)
        .Int("roundsDone", agg->qct.size())
        .Int("requestBytes", g.requestBytes)
        .Int("responseBytes", g.responseBytes)
        .Str("jitter", g.jitter)
        .Num("qctMeanMs", Mean(ms))
        .Num("qctP50Ms", Percentile(ms, 50))
        .Num("qctMaxMs", ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()))
        .Num("qctMinMs", ms.empty() ? 0 : *std::min_element(ms.begin(), ms.end()))
        .Num("idealQctMs", idealS * 1e3)
        .Num("goodputGbps", busy > 0 ? total * 8 / busy / 1e9 : 0)
        .Raw("qctMs", all.str())
        .Int("switchDrops", f->SwitchDrops()).Int("hostDrops", f->hostTcDrops)
        .Num("queueMaxPkts", qs.trace.empty() ? 0 : std::max_element(qs.trace.begin(), qs.trace.end(), [](auto& a, auto& b) { return a.second < b.second; })->second);
    AddSockTotals(j);
    j.Num("runWallS", wall).Int("events", Simulator::GetEventCount());
    return j.Done();
}

// ---------------------------------------------------------------- web-search flows

struct FlowSizeCdf
{
    std::vector<double> size;
    std::vector<double> prob;

    static FlowSizeCdf Load(const std::string& path)
    {
        FlowSizeCdf c;
        std::ifstream in(path);
        if (!in)
        {
            NS_FATAL_ERROR("cannot read CDF " << path);
        }
        std::string line;
        while (std::getline(in, line))
        {
            line = line.substr(0, line.find('#'));
            std::istringstream ls(line);
            double b;
            double p;
            if (ls >> b >> p)
            {
                c.size.push_back(b);
                c.prob.push_back(p);
            }
        }
        if (c.prob.size() < 2)
        {
            NS_FATAL_ERROR("CDF " << path << " needs two points");
        }
        double scale = c.prob.back();
        for (double& p : c.prob)
        {
            p /= scale; // percent or fraction, as DcSim's FlowSizeCdf
        }
        return c;
    }

    /// Linear interpolation between points, as DcSim's FlowSizeCdf.Sample.
    uint64_t Sample(double u) const
    {
        size_t i = std::lower_bound(prob.begin(), prob.end(), u) - prob.begin();
        if (i == 0)
        {
            return std::max<uint64_t>(1, std::llround(size[0]));
        }
        if (i >= size.size())
        {
            return std::max<uint64_t>(1, std::llround(size.back()));
        }
        double p0 = prob[i - 1];
        double p1 = prob[i];
        double s = p1 > p0 ? size[i - 1] + (size[i] - size[i - 1]) * (u - p0) / (p1 - p0) : size[i];
        return std::max<uint64_t>(1, std::llround(s));
    }

    double Mean() const
    {
        double m = size[0] * prob[0];
        for (size_t i = 1; i < size.size(); ++i)
        {
            m += (prob[i] - prob[i - 1]) * (size[i] + size[i - 1]) / 2;
        }
        return m;
    }
};

struct Flow
{
    uint32_t src = 0;
    uint32_t dst = 0;
    uint64_t size = 0;
    uint64_t sent = 0;
    uint64_t rx = 0;
    double start = 0;
    double end = -1;
    Ptr<Socket> socket;
};

struct WebSearch
{
    Fabric* f = nullptr;
    FlowSizeCdf cdf;
    std::vector<Flow> flows;
    std::map<std::pair<uint32_t, uint16_t>, uint32_t> byEndpoint; // (src addr, src port) -> flow
    std::mt19937_64 rng{g.seed};
    double lambda = 0; // flows per second per host
    uint64_t completed = 0;
    uint64_t delivered = 0;
    bool generating = true;
    const uint16_t port = 5000;
};

WebSearch* g_ws = nullptr;

void
PumpFlow(uint32_t id, Ptr<Socket> s, uint32_t)
{
    Flow& fl = g_ws->flows[id];
    while (fl.sent < fl.size)
    {
        uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(fl.size - fl.sent, s->GetTxAvailable()));
        if (n == 0)
        {
            return;
        }
        int sent = s->Send(Create<Packet>(n));
        if (sent <= 0)
        {
            return;
        }
        fl.sent += sent;
    }
    s->Close(); // FIN after the queued data
    s->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
}

void
FlowConnected(uint32_t id, Ptr<Socket> s)
{
    PumpFlow(id, s, s->GetTxAvailable());
}

void
FlowFailed(uint32_t id, Ptr<Socket>)
{
    std::fprintf(stderr, "flow %u failed to connect\n", id);
}

void
ArrivalAt(uint32_t host);

void
StartFlow(uint32_t src)
{
    WebSearch& w = *g_ws;
    uint32_t nHosts = w.f->hosts.GetN();
    uint32_t dst = std::uniform_int_distribution<uint32_t>(0, nHosts - 2)(w.rng);
    if (dst >= src)
    {
        ++dst;
    }
    Flow fl;
    fl.src = src;
    fl.dst = dst;
    fl.size = w.cdf.Sample(std::uniform_real_distribution<double>(0, 1)(w.rng));
    fl.start = Simulator::Now().GetSeconds();
    uint32_t id = w.flows.size();
    Ptr<Socket> s = Socket::CreateSocket(w.f->hosts.Get(src), TcpSocketFactory::GetTypeId());
    s->Bind();
    Address local;
    s->GetSockName(local);
    uint16_t lport = InetSocketAddress::ConvertFrom(local).GetPort();
    w.byEndpoint[{w.f->hostAddr[src].Get(), lport}] = id;
    fl.socket = s;
    w.flows.push_back(fl);
    Watch(s);
    s->SetConnectCallback(MakeBoundCallback(&FlowConnected, id), MakeBoundCallback(&FlowFailed, id));
    s->SetSendCallback(MakeBoundCallback(&PumpFlow, id));
    s->Connect(InetSocketAddress(w.f->hostAddr[dst], w.port));
}

void
ArrivalAt(uint32_t host)
{
    if (!g_ws->generating)
    {
        return;
    }
    StartFlow(host);
    double gap = std::exponential_distribution<double>(g_ws->lambda)(g_ws->rng);
    if (Simulator::Now().GetSeconds() + gap < g.simTime)
    {
        Simulator::Schedule(Seconds(gap), &ArrivalAt, host);
    }
}

void
StopGenerating()
{
    g_ws->generating = false;
    if (g_ws->completed == g_ws->flows.size())
    {
        Simulator::Stop();
    }
}

void
WsRx(Ptr<const Packet> p, const Address& from)
{
    WebSearch& w = *g_ws;
    InetSocketAddress a = InetSocketAddress::ConvertFrom(from);
    auto it = w.byEndpoint.find({a.GetIpv4().Get(), a.GetPort()});
    if (it == w.byEndpoint.end())
    {
        return;
    }
    Flow& fl = w.flows[it->second];
    fl.rx += p->GetSize();
    w.delivered += p->GetSize();
    if (fl.end < 0 && fl.rx >= fl.size)
    {
        fl.end = Simulator::Now().GetSeconds();
        ++w.completed;
        fl.socket = nullptr;
        if (!w.generating && w.completed == w.flows.size())
        {
            Simulator::Stop();
        }
    }
}

/// FCT of the flow alone in the network: the handshake (one round trip), then the data
/// serialised at the sender's host link, plus the store-and-forward of one segment at each
/// further hop and the one-way propagation delay.
double
IdealFct(const Fabric* f, const Flow& fl)
{
    bool sameLeaf = f->Leaf(fl.src) == f->Leaf(fl.dst);
    double hostD = Time(g.hostDelay).GetSeconds();
    double fabD = Time(g.fabricDelay).GetSeconds();
    double oneWay = sameLeaf ? 2 * hostD : 2 * hostD + 2 * fabD;
    double segs = std::ceil(double(fl.size) / g.segment);
    double first = std::min<double>(fl.size, g.segment);
    double serial = (fl.size + segs * kNs3Overhead) * 8 / f->hostBps + segs * f->hostGapS;
    double forward = f->FrameTime(first, true) + (sameLeaf ? 0 : 2 * f->FrameTime(first, false));
    return 2 * oneWay + serial + forward + oneWay;
}

std::string
RunWebSearch(Fabric* f)
{
    auto* w = new WebSearch();
    g_ws = w;
    w->f = f;
    w->cdf = FlowSizeCdf::Load(g.cdf);
    w->lambda = g.load * DataRate(g.hostRate).GetBitRate() / (8 * w->cdf.Mean());
    for (uint32_t h = 0; h < f->hosts.GetN(); ++h)
    {
        PacketSinkHelper sinkH("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), w->port));
        ApplicationContainer a = sinkH.Install(f->hosts.Get(h));
        a.Start(Seconds(0));
        a.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&WsRx));
        double first = std::exponential_distribution<double>(w->lambda)(w->rng);
        if (first < g.simTime)
        {
            Simulator::Schedule(Seconds(first), &ArrivalAt, h);
        }
    }
    Simulator::Schedule(Seconds(g.simTime), &StopGenerating);
    Simulator::Stop(Seconds(g.simTime + g.drainCap));
    auto t0 = std::chrono::steady_clock::now();
    Simulator::Run();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    std::vector<double> fct;
    std::vector<double> slow;
    std::vector<double> bFct[3];
    std::vector<double> bSlow[3];
    std::ofstream csv;
    if (g.flowCsv)
    {
        csv.open(g.out + "-flows.csv");
        csv << "flow,src,dst,bytes,start_s,fct_s,ideal_fct_s,slowdown\n";
    }
    uint64_t offered = 0;
    for (size_t i = 0; i < w->flows.size(); ++i)
    {
        const Flow& fl = w->flows[i];
        offered += fl.size;
        if (fl.end < 0)
        {
            if (g.flowCsv)
            {
                csv << i << "," << fl.src << "," << fl.dst << "," << fl.size << "," << fl.start << ",,,\n";
            }
            continue;
        }
        double t = fl.end - fl.start;
        double ideal = IdealFct(f, fl);
        int b = fl.size < 100000 ? 0 : fl.size <= 1000000 ? 1 : 2;
        fct.push_back(t);
        slow.push_back(t / ideal);
        bFct[b].push_back(t);
        bSlow[b].push_back(t / ideal);
        if (g.flowCsv)
        {
            csv << i << "," << fl.src << "," << fl.dst << "," << fl.size << "," << fl.start << "," << t << ","
                << ideal << "," << t / ideal << "\n";
        }
    }
    Json j;
    AddCommonJson(j, f);
    j.Num("load", g.load)
        .Num("simTime", g.simTime)
        .Num("simEnd", Simulator::Now().GetSeconds())
        .Num("meanFlowBytes", w->cdf.Mean())
        .Num("flowsPerSecPerHost", w->lambda)
        .Num("runWallS", wall)
        .Int("events", Simulator::GetEventCount())
        .Num("eventsPerWallS", wall > 0 ? Simulator::GetEventCount() / wall : 0)
        .Int("flowsStarted", w->flows.size())
        .Int("flowsCompleted", w->completed)
        .Int("offeredBytes", offered)
        .Int("deliveredBytes", w->delivered)
        .Num("fctP50Us", Percentile(fct, 50) * 1e6)
        .Num("fctP99Us", Percentile(fct, 99) * 1e6)
        .Num("slowdownMean", Mean(slow))
        .Num("slowdownP50", Percentile(slow, 50))
        .Num("slowdownP99", Percentile(slow, 99));
    const char* names[3] = {"Lt100KB", "100KBto1MB", "Gt1MB"};
    for (int b = 0; b < 3; ++b)
    {
        std::string n = names[b];
        j.Int("flows" + n, bFct[b].size())
            .Num("fctP50Us" + n, Percentile(bFct[b], 50) * 1e6)
            .Num("fctP99Us" + n, Percentile(bFct[b], 99) * 1e6)
            .Num("slowdownMean" + n, Mean(bSlow[b]))
            .Num("slowdownP50" + n, Percentile(bSlow[b], 50))
            .Num("slowdownP99" + n, Percentile(bSlow[b], 99));
    }
    j.Int("switchDrops", f->SwitchDrops()).Int("hostDrops", f->hostTcDrops);
    std::ostringstream st;
    for (uint32_t s = 0; s < g.spines; ++s)
    {
        st << (s ? "," : "[") << f->spineTx[s];
    }
    j.Raw("spineTxPackets", g.spines ? st.str() + "]" : "[]");
    AddSockTotals(j);
    return j.Done();
}

} // namespace

int
main(int argc, char* argv[])
{
    CommandLine cmd(__FILE__);
    cmd.AddValue("scenario", "single | incast | dctcp | websearch", g.scenario);
    cmd.AddValue("spines", "spine switches (single: 1; websearch: 4)", g.spines);
    cmd.AddValue("leaves", "leaf switches", g.leaves);
    cmd.AddValue("hosts-per-leaf", "hosts per leaf", g.hostsPerLeaf);
    cmd.AddValue("host-rate", "host<->leaf link rate", g.hostRate);
    cmd.AddValue("host-delay", "host<->leaf propagation delay", g.hostDelay);
    cmd.AddValue("fabric-rate", "leaf<->spine link rate", g.fabricRate);
    cmd.AddValue("fabric-delay", "leaf<->spine propagation delay", g.fabricDelay);
    cmd.AddValue("host-queue", "host NIC queue: packets waiting (or ns-3 QueueSize, e.g. 1MB)", g.hostQueue);
    cmd.AddValue("switch-queue", "switch port queue: packets waiting (or ns-3 QueueSize, e.g. 1MB)", g.switchQueue);
    cmd.AddValue("ecn-k", "ECN: mark an arriving packet when >= K packets wait at a switch port (0 = off)", g.ecnK);
    cmd.AddValue("framing", "ns3 | scale (rates x (seg+54)/(seg+90)) | gap (36 B InterframeGap)", g.framing);
    cmd.AddValue("dcsim-framing", "shorthand for --framing=scale", g.dcsimFraming);
    cmd.AddValue("cc", "newreno | cubic | dctcp", g.cc);
    cmd.AddValue("min-rto", "ns3::TcpSocketBase::MinRto", g.minRto);
    cmd.AddValue("clock-granularity", "ns3::TcpSocketBase::ClockGranularity (G of RFC 6298)", g.clockGranularity);
    cmd.AddValue("segment", "ns3::TcpSocket::SegmentSize (payload bytes)", g.segment);
    cmd.AddValue("init-cwnd", "ns3::TcpSocket::InitialCwnd (segments)", g.initCwnd);
    cmd.AddValue("snd-buf", "ns3::TcpSocket::SndBufSize", g.sndBuf);
    cmd.AddValue("rcv-buf", "ns3::TcpSocket::RcvBufSize", g.rcvBuf);
    cmd.AddValue("del-ack-count", "ns3::TcpSocket::DelAckCount (1 = ACK every segment)", g.delAckCount);
    cmd.AddValue("del-ack-timeout", "ns3::TcpSocket::DelAckTimeout", g.delAckTimeout);
    cmd.AddValue("sack", "ns3::TcpSocketBase::Sack", g.sack);
    cmd.AddValue("timestamps", "ns3::TcpSocketBase::Timestamp", g.timestamps);
    cmd.AddValue("data-retries", "ns3::TcpSocket::DataRetries", g.dataRetries);
    cmd.AddValue("conn-timeout", "ns3::TcpSocket::ConnTimeout (SYN retransmission timeout)", g.connTimeout);
    cmd.AddValue("dctcp-g", "ns3::TcpDctcp::DctcpShiftG", g.dctcpG);
    cmd.AddValue("seed", "RNG seed", g.seed);
    cmd.AddValue("duration", "single, dctcp: simulated seconds", g.duration);
    cmd.AddValue("warmup", "single, dctcp: seconds excluded from goodput/queue statistics", g.warmup);
    cmd.AddValue("sample", "queue sampling period", g.sample);
    cmd.AddValue("trace-rows", "max rows per trace CSV", g.traceRows);
    cmd.AddValue("out", "prefix of trace files", g.out);
    cmd.AddValue("senders", "incast: N senders", g.senders);
    cmd.AddValue("rounds", "incast: rounds", g.rounds);
    cmd.AddValue("request", "incast: request bytes", g.requestBytes);
    cmd.AddValue("response", "incast: response bytes per sender", g.responseBytes);
    cmd.AddValue("jitter", "incast: requests spread uniformly over [0, jitter)", g.jitter);
    cmd.AddValue("flows", "dctcp: number of long flows", g.flows);
    cmd.AddValue("cdf", "websearch: flow-size CDF file (DcSim format)", g.cdf);
    cmd.AddValue("load", "websearch: offered load as a fraction of the host link rate (payload bits)", g.load);
    cmd.AddValue("sim-time", "websearch: seconds of flow arrivals (then drain)", g.simTime);
    cmd.AddValue("drain-cap", "websearch: at most this many seconds of drain", g.drainCap);
    cmd.AddValue("flow-csv", "websearch: write OUT-flows.csv", g.flowCsv);
    cmd.Parse(argc, argv);
    if (g.dcsimFraming)
    {
        g.framing = "scale";
    }
    if (g.framing != "ns3" && g.framing != "scale" && g.framing != "gap")
    {
        NS_FATAL_ERROR("unknown --framing " << g.framing);
    }
    // scenario topologies (explicit flags may not contradict them)
    if (g.scenario == "single")
    {
        g.leaves = 2;
        g.hostsPerLeaf = 1;
        g.spines = 1;
    }
    else if (g.scenario == "incast")
    {
        g.leaves = 1;
        g.spines = 0;
        g.hostsPerLeaf = g.senders + 1;
    }
    else if (g.scenario == "dctcp")
    {
        g.leaves = 1;
        g.spines = 0;
        g.hostsPerLeaf = g.flows + 1;
        if (g.cc == "newreno")
        {
            g.cc = "dctcp";
        }
    }
    else if (g.scenario != "websearch")
    {
        NS_FATAL_ERROR("unknown --scenario " << g.scenario);
    }
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(false));
    RngSeedManager::SetSeed(static_cast<uint32_t>(g.seed ? g.seed : 1));
    RngSeedManager::SetRun(1);
    ConfigureTcp();
    Fabric* f = BuildFabric();

    std::string json;
    if (g.scenario == "single")
    {
        // host 0 (leaf 0) -> host 1 (leaf 1); the bottleneck is leaf 0's uplink when the fabric
        // is slower than the host links, else the sender's NIC.
        bool fabricSlower = DataRate(g.fabricRate).GetBitRate() < DataRate(g.hostRate).GetBitRate();
        Port* b = fabricSlower ? f->leafUp[0][0] : f->hostNic[0];
        double bps = std::min(DataRate(g.fabricRate).GetBitRate(), DataRate(g.hostRate).GetBitRate());
        json = RunLongFlows(f, {0}, 1, b, bps);
    }
    else if (g.scenario == "dctcp")
    {
        std::vector<uint32_t> senders;
        for (uint32_t i = 1; i <= g.flows; ++i)
        {
            senders.push_back(i);
        }
        json = RunLongFlows(f, senders, 0, f->leafDown[0], DataRate(g.hostRate).GetBitRate());
    }
    else if (g.scenario == "incast")
    {
        json = RunIncast(f);
    }
    else
    {
        json = RunWebSearch(f);
    }
    std::printf("%s\n", json.c_str());
    std::fflush(stdout);
    Simulator::Destroy();
    return 0;
}
